using QueryWatch.Explain;
using QueryWatch.Plans;
using QueryWatch.Rules;
using Xunit;

namespace QueryWatch.Tests.Rules;

public sealed class CostTimeCalibrationTests
{
    private static Plan Analyzed(double totalCost, double executionMs) =>
        PlanTree.Plan(new PlanNode { NodeType = "Seq Scan", RelationName = "t" }.Cost(0, totalCost, 10).Actual(executionMs, 10, 1), executionMs);

    [Fact]
    public void Before_any_analyzed_plan_the_documented_default_is_used()
    {
        Assert.Equal(ObservedRun.DefaultMsPerCostUnit, new CostTimeCalibration().MsPerCostUnit);
    }

    [Fact]
    public void Factor_is_the_median_of_execution_time_per_cost_unit()
    {
        var calibration = new CostTimeCalibration();
        calibration.Learn(Analyzed(1_000, 2));     // 0.002
        calibration.Learn(Analyzed(1_000, 500));   // 0.5: a lost bet, an outlier the median ignores
        calibration.Learn(Analyzed(10_000, 30));   // 0.003

        Assert.Equal(0.003, calibration.MsPerCostUnit, 6);
    }

    [Fact]
    public void Only_the_last_64_plans_count()
    {
        var calibration = new CostTimeCalibration();
        for (var i = 0; i < 64; i++) calibration.Learn(Analyzed(1_000, 100));
        for (var i = 0; i < 64; i++) calibration.Learn(Analyzed(1_000, 1));

        Assert.Equal(0.001, calibration.MsPerCostUnit, 6);
    }

    [Fact]
    public void Plans_too_cheap_to_measure_the_cost_model_are_skipped()
    {
        var calibration = new CostTimeCalibration();
        calibration.Learn(Analyzed(5, 3));

        Assert.Equal(ObservedRun.DefaultMsPerCostUnit, calibration.MsPerCostUnit);
    }
}

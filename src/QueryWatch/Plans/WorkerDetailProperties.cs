using System.Globalization;

namespace QueryWatch.Plans;

/// <summary>
/// The mapping from PostgreSQL's JSON property names to <see cref="WorkerDetail"/>, as
/// <see cref="PlanNodeProperties"/> is for nodes: the TEXT parser maps a <c>Worker N:</c> line's
/// details to these names and calls it too. Unknown names land in <see cref="WorkerDetail.Extra"/>.
/// </summary>
internal static class WorkerDetailProperties
{
    /// <summary>Sets a numeric property; unknown names are kept in <see cref="WorkerDetail.Extra"/>.</summary>
    public static void SetNumber(WorkerDetail worker, string name, double value)
    {
        if (!TrySetNumber(worker, name, value))
            worker.Extra[name] = value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>Sets a string property (a number that came as text still fills its typed property); unknown names are kept in <see cref="WorkerDetail.Extra"/>.</summary>
    public static void SetString(WorkerDetail worker, string name, string value)
    {
        switch (name)
        {
            case "Sort Method": worker.SortMethod = value; break;
            case "Sort Space Type": worker.SortSpaceType = value; break;
            default:
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && TrySetNumber(worker, name, d)) break;
                worker.Extra[name] = value;
                break;
        }
    }

    /// <summary>Sets a numeric property; false when the name is not one <see cref="WorkerDetail"/> models.</summary>
    public static bool TrySetNumber(WorkerDetail worker, string name, double value)
    {
        switch (name)
        {
            case "Worker Number": worker.WorkerNumber = (int)value; return true;
            case "Actual Startup Time": worker.ActualStartupTimeMs = value; return true;
            case "Actual Total Time": worker.ActualTotalTimeMs = value; return true;
            case "Actual Rows": worker.ActualRows = value; return true;
            case "Actual Loops": worker.ActualLoops = value; return true;
            case "Sort Space Used": worker.SortSpaceUsedKb = (long)value; return true;
            default:
                if (BufferCounts.IsBufferProperty(name))
                {
                    (worker.Buffers ??= new BufferCounts()).TrySet(name, value);
                    return true;
                }
                return false;
        }
    }
}

using Npgsql;
using NpgsqlTypes;
using QueryWatch.Explain;
using Xunit;

namespace QueryWatch.Tests.Explain;

/// <summary>Issue #16 part 5: a capture keeps parameter values only within its byte budget.</summary>
public sealed class CapturedParameterBudgetTests
{
    private static NpgsqlCommand Command(params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand("SELECT length(@blob) + @n");
        command.Parameters.AddRange(parameters);
        return command;
    }

    [Fact]
    public void Value_over_the_budget_is_kept_as_its_type_and_size_only()
    {
        using var command = Command(
            new NpgsqlParameter("blob", NpgsqlDbType.Bytea) { Value = new byte[1024 * 1024] },
            new NpgsqlParameter("n", 7));

        var captured = CommandCapture.Snapshot(command, CommandOutcome.Slow, TimeSpan.FromSeconds(1), null, null, maxParameterBytes: 64 * 1024);

        var omitted = Assert.IsType<OmittedParameterValue>(captured.Parameters[0].Value);
        Assert.Equal("Byte[]", omitted.TypeName);
        Assert.True(omitted.Bytes >= 1024 * 1024);
        Assert.Equal(NpgsqlDbType.Bytea, captured.Parameters[0].NpgsqlDbType);
        Assert.False(CommandCapture.CanRebind(captured.Parameters[0]));
        Assert.Equal(7, captured.Parameters[1].Value);
        Assert.True(CommandCapture.CanRebind(captured.Parameters[1]));
        Assert.InRange(captured.RetainedBytes, 1, 1024);
    }

    [Fact]
    public void Values_within_the_budget_are_kept_and_counted()
    {
        using var command = Command(
            new NpgsqlParameter("blob", NpgsqlDbType.Bytea) { Value = new byte[1000] },
            new NpgsqlParameter("n", 7));

        var captured = CommandCapture.Snapshot(command, CommandOutcome.Slow, TimeSpan.FromSeconds(1), null, null, maxParameterBytes: 64 * 1024);

        Assert.Equal(1000, Assert.IsType<byte[]>(captured.Parameters[0].Value).Length);
        Assert.True(captured.RetainedBytes >= 1000 + 2 * command.CommandText.Length);
    }

    [Fact]
    public void Budget_is_spent_in_parameter_order()
    {
        using var command = Command(
            new NpgsqlParameter("a", "x".PadRight(400)),
            new NpgsqlParameter("b", "y".PadRight(400)));

        var captured = CommandCapture.Snapshot(command, CommandOutcome.Slow, TimeSpan.FromSeconds(1), null, null, maxParameterBytes: 1000);

        Assert.IsType<string>(captured.Parameters[0].Value);
        Assert.IsType<OmittedParameterValue>(captured.Parameters[1].Value);
    }

    [Fact]
    public void Stream_value_is_never_kept()
    {
        using var stream = new MemoryStream(new byte[10]);
        using var command = Command(new NpgsqlParameter("blob", NpgsqlDbType.Bytea) { Value = stream });

        var captured = CommandCapture.Snapshot(command, CommandOutcome.Slow, TimeSpan.FromSeconds(1), null, null);

        Assert.Equal(-1, Assert.IsType<OmittedParameterValue>(captured.Parameters[0].Value).Bytes);
    }

    [Fact]
    public void Rebinding_a_value_not_kept_refuses_rather_than_bind_a_stand_in()
    {
        var parameter = new CapturedParameter("blob", new OmittedParameterValue("Byte[]", 1 << 20), NpgsqlDbType.Bytea, null, System.Data.DbType.Binary, System.Data.ParameterDirection.Input);

        Assert.Throws<ParameterNotKeptException>(() => CommandCapture.Rebind(parameter));
    }

    [Fact]
    public void Queue_budget_refuses_what_does_not_fit_and_takes_it_back_on_release()
    {
        var budget = new QueueByteBudget(1000);

        Assert.True(budget.TryReserve(600));
        Assert.False(budget.TryReserve(600));
        Assert.Equal(600, budget.Queued);
        budget.Release(600);
        Assert.True(budget.TryReserve(600));
    }
}

namespace QueryWatch.Rules;

/// <summary>
/// One look at a running command's backend in <c>pg_stat_activity</c>: its state, what it waited on,
/// and who blocked it (<c>pg_blocking_pids</c>).
/// </summary>
/// <param name="Elapsed">How long the command had been running when the sample was taken.</param>
/// <param name="State"><c>pg_stat_activity.state</c> (<c>active</c>, …), or null when the backend was not found.</param>
/// <param name="WaitEventType"><c>wait_event_type</c> (<c>Lock</c>, <c>IO</c>, <c>LWLock</c>, …), or null when not waiting.</param>
/// <param name="WaitEvent"><c>wait_event</c> (<c>transactionid</c>, <c>DataFileRead</c>, …), or null.</param>
/// <param name="Blockers">The processes blocking it, empty when none.</param>
internal sealed record ActivitySample(
    TimeSpan Elapsed,
    string? State,
    string? WaitEventType,
    string? WaitEvent,
    IReadOnlyList<BlockingProcess> Blockers);

/// <summary>A backend that held what a sampled command waited for.</summary>
/// <param name="ProcessId">Its pid.</param>
/// <param name="ApplicationName">Its <c>application_name</c>, or null when empty.</param>
/// <param name="State">Its state (<c>idle in transaction</c>, <c>active</c>, …).</param>
/// <param name="TransactionAge">How long its transaction had been open, when it had one.</param>
/// <param name="Statement">Its last statement, normalized (literals replaced): never a value.</param>
internal sealed record BlockingProcess(
    int ProcessId,
    string? ApplicationName,
    string? State,
    TimeSpan? TransactionAge,
    string? Statement);

namespace QueryWatch.Explain;

/// <summary>
/// Stands in a <see cref="CapturedParameter"/> for a value the capture did not keep: larger than
/// <see cref="QueryWatchOptions.MaxCapturedParameterBytes"/> left, or a stream the application's own
/// command consumed. The parameter "cannot be bound" (<see cref="CommandCapture.CanRebind"/>): the
/// command is explained without values (GENERIC_PLAN) or not at all, never with a wrong value.
/// </summary>
/// <param name="TypeName">The CLR type of the value the application sent (e.g. <c>Byte[]</c>).</param>
/// <param name="Bytes">Its estimated size in bytes; -1 when unknown (a stream that cannot seek).</param>
internal sealed record OmittedParameterValue(string TypeName, long Bytes);

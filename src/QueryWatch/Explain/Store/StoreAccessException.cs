using Npgsql;

namespace QueryWatch.Explain.Store;

/// <summary>
/// The Store could not be reached or refused, for the command line (which names no Npgsql type): the message is one
/// line, its quoted spans redacted (a server may quote a value it rejected).
/// </summary>
internal sealed class StoreAccessException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>Runs <paramref name="action"/>, turning a connection, server or connection-string failure into this exception.</summary>
    public static async Task<T> Wrap<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new StoreAccessException(Reason(e), e);
        }
    }

    private static string Reason(Exception e)
    {
        var text = e is PostgresException pg ? pg.SqlState + " " + pg.MessageText : e.Message;
        return FindingRedactor.RedactText(text.Split('\n', 2)[0].Trim());
    }
}

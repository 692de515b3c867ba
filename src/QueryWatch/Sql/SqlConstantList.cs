namespace QueryWatch.Sql;

/// <summary>Recognises a list of constants after <c>IN (</c> or <c>ARRAY[</c>, which the fingerprint collapses.</summary>
internal static class SqlConstantList
{
    /// <summary>
    /// Looks ahead over <c>elem, elem, ... close</c> where an element is an optionally signed
    /// constant or placeholder with optional casts; on success moves <paramref name="tokens"/> past it (the closing
    /// token included). Lookahead stops at the first token that cannot belong to such a list,
    /// and no list can start inside one, so the total work stays linear.
    /// </summary>
    public static bool TrySkip(ref SqlTokenizer tokens, char close)
    {
        var sql = tokens.Source;
        var ahead = tokens;
        var state = ListState.ExpectElement;
        while (ahead.MoveNextSignificant())
        {
            var token = ahead.Current;
            switch (state)
            {
                case ListState.ExpectElement when token.Kind == SqlTokenKind.Operator && token.Length == 1 && sql[token.Start] is '-' or '+':
                    state = ListState.ExpectValue;
                    break;
                case ListState.ExpectElement or ListState.ExpectValue:
                    if (!IsConstant(token, sql))
                    {
                        return false;
                    }

                    state = ListState.AfterElement;
                    break;
                case ListState.TypeStart:
                    if (!(token.IsWord || token.Kind == SqlTokenKind.QuotedIdentifier))
                    {
                        return false;
                    }

                    state = ListState.InType;
                    break;
                case ListState.ExpectArrayClose:
                    if (!IsPunctuation(token, sql, ']'))
                    {
                        return false;
                    }

                    state = ListState.InType;
                    break;
                default:
                    if (IsPunctuation(token, sql, close))
                    {
                        tokens = ahead;
                        return true;
                    }

                    if (token.Kind == SqlTokenKind.Cast)
                    {
                        state = ListState.TypeStart;
                    }
                    else if (IsPunctuation(token, sql, ','))
                    {
                        state = ListState.ExpectElement;
                    }
                    else if (state == ListState.InType && (token.IsWord || token.Kind == SqlTokenKind.QuotedIdentifier || IsPunctuation(token, sql, '.')))
                    {
                        state = ListState.InType;
                    }
                    else if (state == ListState.InType && IsPunctuation(token, sql, '['))
                    {
                        state = ListState.ExpectArrayClose;
                    }
                    else
                    {
                        return false;
                    }

                    break;
            }
        }

        return false;
    }

    private enum ListState { ExpectElement, ExpectValue, AfterElement, TypeStart, InType, ExpectArrayClose }

    private static bool IsConstant(SqlToken token, ReadOnlySpan<char> sql) =>
        token.Kind is SqlTokenKind.Number or SqlTokenKind.String or SqlTokenKind.Parameter
        || (token.IsWord && SqlNormalizer.IsBooleanLiteral(token.Text(sql)));

    private static bool IsPunctuation(SqlToken token, ReadOnlySpan<char> sql, char c) =>
        token.Kind == SqlTokenKind.Punctuation && sql[token.Start] == c;
}

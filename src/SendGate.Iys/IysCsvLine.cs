using System.Text;
using SendGate.Core.Consent;
using SendGate.Core.Domain;

namespace SendGate.Iys;

/// <summary>
/// İYS's daily change CSV (mutabakat): a header naming the columns — creationDate,
/// transactionId, recipient, recipientType, type, status, consentDate, source, in any order,
/// separated by ',' or ';' — then one change per row. The file carries neither brand nor
/// provider: both are given by the caller. Fields may be quoted ("…", "" for a quote); a field
/// never spans lines. Error messages name the column, never the recipient.
/// </summary>
public sealed class IysCsvLine
{
    private static readonly string[] Required = ["creationDate", "recipient", "type", "status", "consentDate"];
    private readonly Dictionary<string, int> _columns;
    private readonly char _separator;
    private readonly uint _iysCode;
    private readonly uint _brandCode;

    private IysCsvLine(Dictionary<string, int> columns, char separator, uint iysCode, uint brandCode)
    {
        _columns = columns;
        _separator = separator;
        _iysCode = iysCode;
        _brandCode = brandCode;
    }

    /// <summary>Reads the header; null and an error naming the missing columns when it is not an İYS change CSV.</summary>
    public static IysCsvLine? FromHeader(ReadOnlySpan<byte> header, uint iysCode, uint brandCode, out string error)
    {
        string text = Encoding.UTF8.GetString(header).TrimStart('\uFEFF');
        char separator = text.Contains(';', StringComparison.Ordinal) && !text.Contains(',', StringComparison.Ordinal) ? ';' : ',';
        var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var names = Split(text, separator);
        for (int i = 0; i < names.Count; i++)
        {
            columns.TryAdd(names[i].Trim(), i);
        }

        var missing = Required.Where(name => !columns.ContainsKey(name)).ToArray();
        error = missing.Length == 0 ? string.Empty : $"the CSV header lacks {string.Join(", ", missing)}";
        return missing.Length == 0 ? new IysCsvLine(columns, separator, iysCode, brandCode) : null;
    }

    public bool TryParse(ReadOnlySpan<byte> row, out ConsentChangeInput input, out string error)
    {
        input = default;
        var fields = Split(Encoding.UTF8.GetString(row), _separator);
        string Field(string name) => _columns.TryGetValue(name, out int index) && index < fields.Count ? fields[index].Trim() : string.Empty;

        if (!ConsentTime.TryParseIys(Field("creationDate"), out var modified))
        {
            error = "creationDate is not YYYY-MM-DD HH:mm:ss";
            return false;
        }

        // Empty for a merchant (TACIR) İYS holds without one: the factory decides whether that is allowed.
        string consentText = Field("consentDate");
        var consentDate = ConsentTime.None;
        if (consentText.Length > 0 && !ConsentTime.TryParseIys(consentText, out consentDate))
        {
            error = "consentDate is not YYYY-MM-DD HH:mm:ss";
            return false;
        }

        string type = Field("recipientType");
        input = new ConsentChangeInput
        {
            IysCode = _iysCode,
            BrandCode = _brandCode,
            Channel = Field("type").ToUpperInvariant() switch { "MESAJ" => Channel.Mesaj, "ARAMA" => Channel.Arama, "EPOSTA" => Channel.Eposta, _ => (Channel)byte.MaxValue },
            RecipientType = type.Length == 0 ? RecipientType.Bireysel : type.ToUpperInvariant() switch { "BIREYSEL" => RecipientType.Bireysel, "TACIR" => RecipientType.Tacir, _ => (RecipientType)byte.MaxValue },
            Status = Field("status").ToUpperInvariant() switch { "ONAY" => ConsentStatus.Onay, "RET" => ConsentStatus.Ret, _ => (ConsentStatus)byte.MaxValue },
            ConsentDate = consentDate,
            ModifiedAt = modified,
            Recipient = RecipientInput.FromAddress(Field("recipient")),
            Source = Field("source") is { Length: > 0 } source ? ConsentSource.Intern(source) : null,
            TransactionId = Field("transactionId") is { Length: > 0 } transaction ? transaction : null,
        };
        error = string.Empty;
        return true;
    }

    private static List<string> Split(string line, char separator)
    {
        var fields = new List<string>(8);
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c != '\r')
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}

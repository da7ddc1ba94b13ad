using System.Text.Json;
using System.Text.Json.Nodes;

namespace SendGate.IysSimulator;

/// <summary>createToken2: <c>POST /oauth2/token</c>, JSON or form, password or refresh_token grant.</summary>
public sealed partial class IysSimulatorServer
{
    private async Task<IResult> Token(HttpRequest request)
    {
        if (!_tokens.Admit())
        {
            const string Message = "Saatte kabul edilen kimlik doğrulama istek limitine ulaşıldı. Lütfen daha sonra tekrar deneyiniz.";
            return _settings.TokenLimitShape == TokenLimitShape.OAuth ? IysErrors.OAuth(429, "H084", Message) : IysErrors.Errors(429, "H084", Message);
        }

        Dictionary<string, string?> fields;
        try
        {
            fields = await ReadTokenRequest(request);
        }
        catch (Exception exception) when (exception is JsonException or InvalidDataException or InvalidOperationException)
        {
            return IysErrors.Errors(400, "H014", "Gönderilen istek JSON formatına uygun olmalıdır.");
        }

        string? Field(string name) => fields.GetValueOrDefault(name);
        TokenIssuer.Pair? pair;
        switch (Field("grant_type"))
        {
            case null:
                return IysErrors.OAuth(400, "invalid_request", "Giriş yöntemi belirtilmemiş.");
            case "":
                return IysErrors.OAuth(400, "invalid_grant", "Giriş yöntemi boş olamaz.");
            case "password":
                if (Field("username") is null)
                {
                    return IysErrors.OAuth(400, "invalid_request", "Kullanıcı adı verilmemiş.");
                }

                if (Field("password") is null)
                {
                    return IysErrors.OAuth(400, "invalid_request", "Şifre verilmemiş.");
                }

                pair = _tokens.Login(Field("username"), Field("password"));
                if (pair is null)
                {
                    return IysErrors.OAuth(400, "invalid_request", "Kullanıcı kimlik bilgileri geçersiz.");
                }

                break;
            case "refresh_token":
                if (Field("refresh_token") is null)
                {
                    return IysErrors.OAuth(400, "invalid_request", "Yenileme jetonu verilmemiş.");
                }

                // The document lists no message for a refresh token that expired or was spent: invalid_grant is OAuth's.
                pair = _tokens.Refresh(Field("refresh_token"));
                if (pair is null)
                {
                    return IysErrors.OAuth(400, "invalid_grant", "Yenileme jetonu geçersiz.");
                }

                break;
            default:
                return IysErrors.OAuth(400, "invalid_request", "Bilinmeyen giriş yöntemi.");
        }

        return Results.Json(new JsonObject
        {
            ["access_token"] = pair.AccessToken,
            ["expires_in"] = pair.ExpiresIn,
            ["refresh_expires_in"] = pair.RefreshExpiresIn,
            ["refresh_token"] = pair.RefreshToken,
            ["token_type"] = "bearer",
        });
    }

    private static async Task<Dictionary<string, string?>> ReadTokenRequest(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            return form.ToDictionary(field => field.Key, field => (string?)field.Value.ToString(), StringComparer.Ordinal);
        }

        using var document = await JsonDocument.ParseAsync(request.Body);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText(), StringComparer.Ordinal);
    }
}

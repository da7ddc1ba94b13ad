using System.Text;
using FsCheck;
using FsCheck.Fluent;
using SendGate.Core.Domain;
using SendGate.Core.Recipients;

namespace SendGate.Core.Tests;

public sealed class NormalizationPropertyTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(2_000);

    [Fact]
    public void TryNormalize_AnyMobileNumberInAnyWrittenForm_GivesItsE164()
    {
        var forms = new Func<string, string>[]
        {
            n => "+90" + n,
            n => "+90 " + n[..3] + " " + n[3..6] + " " + n[6..8] + " " + n[8..],
            n => "0" + n,
            n => "0" + n[..3] + " " + n[3..6] + " " + n[6..],
            n => n,
            n => "(" + n[..3] + ") " + n[3..6] + "-" + n[6..8] + "-" + n[8..],
            n => "0090" + n,
            n => "90" + n,
            n => n[..3] + "." + n[3..6] + "." + n[6..8] + "." + n[8..],
        };
        var gen = from area in Gen.Choose(500, 599)
                  from subscriber in Gen.Choose(0, 9_999_999)
                  from form in Gen.Choose(0, forms.Length - 1)
                  select (National: $"{area}{subscriber:D7}", Form: form);

        Check.One(Config, Prop.ForAll(gen.ToArbitrary(), x =>
            PhoneNormalizationTests.Normalize(forms[x.Form](x.National), Channel.Mesaj) == "+90" + x.National));
    }

    [Fact]
    public void TryNormalize_ArbitraryBytes_NeverThrowsAndSucceedsOnlyWithCanonicalOutput()
    {
        var bytes = Gen.ArrayOf(Gen.Elements("0123456789 +-().@abcAZ\t\u00e7\u0130".Select(c => c).ToArray()))
            .Select(chars => Encoding.UTF8.GetBytes(chars));
        var channels = Gen.Elements(Channel.Mesaj, Channel.Arama, Channel.Eposta, Channel.Unspecified);
        var input = (from b in bytes from c in channels select (Bytes: b, Channel: c)).ToArbitrary();

        Check.One(Config, Prop.ForAll(input, x =>
        {
            var buffer = new byte[RecipientNormalizer.MaxNormalizedLength];
            var error = RecipientNormalizer.TryNormalize(x.Bytes, x.Channel, buffer, out int length);
            if (error != RecipientError.None)
            {
                return length == 0;
            }

            // Canonical output normalizes to itself.
            var again = new byte[RecipientNormalizer.MaxNormalizedLength];
            return RecipientNormalizer.TryNormalize(buffer.AsSpan(0, length), x.Channel, again, out int length2) == RecipientError.None &&
                   buffer.AsSpan(0, length).SequenceEqual(again.AsSpan(0, length2));
        }));
    }
}

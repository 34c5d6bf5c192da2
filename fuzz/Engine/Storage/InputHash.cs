using System.Security.Cryptography;

namespace PmuConformance.Fuzz.Engine.Storage;

/// <summary>Short content hashes used in file names, so equal inputs are recognised across runs.</summary>
internal static class InputHash
{
    public static string Of(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data))[..16];

    public static string OfText(string text) => Of(System.Text.Encoding.UTF8.GetBytes(text))[..8];
}

namespace PmuConformance.Cli;

/// <summary>
/// The lock a <c>pmuconf fuzz</c> run holds on its campaign folder (<c>.pmuconf.lock</c>, an
/// exclusive lock the operating system drops when the process ends, however it ends).
/// </summary>
public static class CampaignLock
{
    public const string FileName = ".pmuconf.lock";

    /// <summary>The held lock, or null with the reason when another run holds it or the folder cannot be made.</summary>
    public static FileStream? TryTake(string campaign, out string? problem)
    {
        try
        {
            Directory.CreateDirectory(campaign);
            var stream = new FileStream(Path.Combine(campaign, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            problem = null;
            return stream;
        }
        catch (IOException e) when (Directory.Exists(campaign))
        {
            problem = $"{campaign} is in use by another pmuconf fuzz run (one folder, one campaign): wait for it or use another --out ({e.Message.TrimEnd('.')})";
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot use {campaign} as the campaign folder: {e.Message}";
            return null;
        }
    }
}

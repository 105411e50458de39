using System;
using System.IO;

namespace Selectors.ApiDocs;

/// <summary>Writes the API reference: <c>dotnet run --project tools/ApiDocs -- docs/api</c>.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length != 1 || args[0] is "--help" or "-h")
        {
            Console.Error.WriteLine("usage: ApiDocs OUTPUT-DIRECTORY   (writes one Markdown file per public type, and README.md)");
            return 2;
        }

        int files = ApiReference.Write(Path.GetFullPath(args[0]));
        Console.WriteLine($"wrote {files} files to {args[0]}");
        return 0;
    }
}

import Foundation

/// The package's root directory, found from the working directory upwards, else from this source file.
public enum PackageRoot {
    public static func find() -> URL? {
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent())
        for start in candidates {
            var directory = start
            while directory.path != "/" {
                if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path),
                    FileManager.default.fileExists(atPath: directory.appendingPathComponent("Sources/Harness").path)
                {
                    return directory
                }
                directory.deleteLastPathComponent()
            }
        }
        return nil
    }
}

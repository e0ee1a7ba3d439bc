#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(CDispatch)
// In optimized builds the C types of <sys/stat.h> and <time.h> can be attributed to CDispatch, whose headers
// include them first; without this import, member import visibility rejects their fields.
import CDispatch
#endif

/// A file the scanner found to index: its path relative to the repository root, `/`-separated.
package struct ScannedFile: Sendable, Hashable {
    package let path: String
    /// The repository's canonical directory, below which the file is opened.
    package let root: String
    /// What to open, relative to the root: `path` itself, or for a link to a file inside the repository, the
    /// link's target. The reader opens it without following links, so the scanner's view cannot be raced.
    package let readPath: String
    package let size: Int
    /// Modification time in nanoseconds since the epoch: with `size`, what the fallback scanner compares.
    package var modified: Int64 = 0
}

/// What one scan found and what it passed over, for logs and job reports.
package struct ScanResult: Sendable {
    package var files: [ScannedFile] = []
    package var ignored = 0
    package var tooLarge = 0
    package var binaryByName = 0
    package var linksSkipped = 0
    package var unreadable = 0
    /// Files that usually hold credentials (`SecretFiles`), passed over unless `indexSecrets` is set.
    package var secrets = 0
    /// Entries (files, links, folders) whose name is not valid UTF-8: no path of the index, the API or a chunk id can
    /// name them, so they are passed over, a folder with everything in it.
    package var notUTF8 = 0
    /// The first `maxListedNames` of them, as `EscapedName` writes them, for the log.
    package var notUTF8Names: [String] = []
    /// The directories walked, `""` for the root: what the watcher watches.
    package var directories: [String] = []

    package static let maxListedNames = 100

    /// Everything passed over for a reason other than the ignore rules (`.gitignore`, `.git/info/exclude`, the always
    /// skipped folders): what an index job reports as `files_skipped`, with the files found unreadable or binary on
    /// reading.
    package var skipped: Int { self.tooLarge + self.binaryByName + self.linksSkipped + self.unreadable + self.secrets + self.notUTF8 }
}

/// Walks a repository: honours `.gitignore` files (root and nested) and `.git/info/exclude`, always skips VCS,
/// build and dependency folders, files over the size cap, files whose extension says binary, secret files (unless
/// told otherwise), and symbolic links that leave the repository or point at directories. Entries are visited in
/// byte order of their names, so a scan is deterministic.
package struct RepositoryScanner: Sendable {
    /// Folders never indexed, whatever `.gitignore` says.
    package static let skippedDirectories: Set<String> = [
        ".git", ".hg", ".svn", ".bzr", ".build", ".swiftpm", "node_modules", "__pycache__", ".mypy_cache", ".pytest_cache",
        ".ruff_cache", ".tox", ".venv", ".gradle", ".idea", ".vscode", ".next", ".nuxt", ".cache", ".terraform",
        "DerivedData", "Pods", ".eggs",
    ]

    /// Extensions of files that are binary whatever their first bytes hold; not even read.
    package static let binaryExtensions: Set<String> = [
        "png", "jpg", "jpeg", "gif", "bmp", "ico", "icns", "webp", "tif", "tiff", "psd", "pdf", "zip", "gz", "tgz", "bz2",
        "xz", "zst", "7z", "rar", "tar", "jar", "war", "class", "o", "a", "so", "dylib", "dll", "exe", "bin", "pyc", "pyo",
        "pyd", "whl", "egg", "woff", "woff2", "ttf", "otf", "eot", "mp3", "mp4", "m4a", "mov", "avi", "mkv", "wav", "flac",
        "ogg", "webm", "sqlite", "sqlite3", "db", "npy", "npz", "pkl", "pickle", "parquet", "wasm", "dat", "DS_Store",
    ]

    package let maxFileBytes: Int
    /// Index files named like credentials (`.env`, `*.pem`, `id_rsa`, ...) too.
    package var indexSecrets = false

    /// Scans the directory at `root`, which must be an absolute, symlink-free path.
    package func scan(root: String) throws(ScanError) -> ScanResult {
        var info = stat()
        guard stat(root, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw ScanError.notADirectory(root)
        }
        return self.scan(root: root, under: "")
    }

    /// Scans the subtree at `directory` (relative to `root`, `""` for all of it) as a whole scan would see it: empty
    /// when the directory is gone or is itself excluded (a skipped folder, ignored by a `.gitignore` above it).
    package func scan(root: String, under directory: String) -> ScanResult {
        var result = ScanResult()
        guard let ignores = Self.ignoreStack(root: root, directory: directory) else { return result }
        self.walk(root: root, directory: directory, absolute: directory.isEmpty ? root : root + "/" + directory, ignores: ignores, into: &result)
        return result
    }

    /// The file at `path` (relative to `root`) when a scan would index it now; `nil` when it is gone, not a regular
    /// file (or a link to one inside the repository), or excluded by the same rules as a whole scan.
    package func file(root: String, path: String) -> ScannedFile? {
        self.entry(root: root, path: path).files.first
    }

    /// What a scan would make of the one entry at `path` (relative to `root`), not walking into a directory: the file
    /// to index, or the counter that passes it over. Empty when it is gone or its folder is excluded.
    package func entry(root: String, path: String) -> ScanResult {
        var result = ScanResult()
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard let name = components.last, !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else { return result }
        let directory = components.dropLast().joined(separator: "/")
        guard let ignores = Self.ignoreStack(root: root, directory: directory) else { return result }
        let absolute = directory.isEmpty ? root : root + "/" + directory
        self.visit(String(name), root: root, directory: directory, absolute: absolute, ignores: ignores, recurse: false, into: &result)
        return result
    }

    /// The `.gitignore` rules in force inside `directory`, or `nil` when the directory is missing, a link, or excluded.
    package static func ignoreStack(root: String, directory: String) -> IgnoreStack? {
        var stack = IgnoreStack()
        stack = stack.adding(Self.loadIgnoreFile(root: root, path: ".git/info/exclude", directory: ""))
        stack = stack.adding(Self.loadIgnoreFile(root: root, path: ".gitignore", directory: ""))
        var path = ""
        for component in directory.split(separator: "/", omittingEmptySubsequences: false) where !directory.isEmpty {
            let name = String(component)
            guard !name.isEmpty, name != ".", name != ".." else { return nil }
            path = path.isEmpty ? name : path + "/" + name
            var info = stat()
            guard lstat(root + "/" + path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR,
                !Self.skippedDirectories.contains(name), !stack.isIgnored(path: path, name: name, isDirectory: true)
            else { return nil }
            stack = stack.adding(Self.loadIgnoreFile(root: root, path: path + "/.gitignore", directory: path))
        }
        return stack
    }

    private func walk(root: String, directory: String, absolute: String, ignores: IgnoreStack, into result: inout ScanResult) {
        guard let handle = opendir(absolute) else {
            result.unreadable += 1
            return
        }
        result.directories.append(directory)
        var names: [String] = []
        var undecodable: [[UInt8]] = []
        while let entry = readdir(handle) {
            let bytes = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: UInt8.self, capacity: Int(NAME_MAX) + 1) { Array(UnsafeBufferPointer(start: $0, count: strlen($0))) }
            }
            // `String(cString:)` would repair a name that is not UTF-8 with U+FFFD: a name that then names nothing on
            // disk, or another file (`a\u{FFFD}.py` beside `a\xFF.py`), which would be indexed twice.
            guard let name = String(validating: bytes, as: UTF8.self) else {
                undecodable.append(bytes)
                continue
            }
            if name != ".", name != ".." { names.append(name) }
        }
        closedir(handle)
        for bytes in undecodable.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            self.passOver(bytes, directory: directory, absolute: absolute, ignores: ignores, into: &result)
        }
        names.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        for name in names {
            self.visit(name, root: root, directory: directory, absolute: absolute, ignores: ignores, recurse: true, into: &result)
        }
    }

    /// Decides one directory entry: a file to index, a directory to walk (when `recurse`), or something passed over.
    private func visit(
        _ name: String,
        root: String,
        directory: String,
        absolute: String,
        ignores: IgnoreStack,
        recurse: Bool,
        into result: inout ScanResult
    ) {
        let path = directory.isEmpty ? name : directory + "/" + name
        let absolutePath = absolute + "/" + name
        var info = stat()
        guard lstat(absolutePath, &info) == 0 else {
            result.unreadable += 1
            return
        }
        var kind = info.st_mode & S_IFMT
        var readPath = path
        if kind == S_IFLNK {
            // A link is followed only to a file inside the repository; directory links could loop or duplicate.
            guard let target = Self.realPath(absolutePath), target.hasPrefix(root + "/"), stat(target, &info) == 0,
                (info.st_mode & S_IFMT) == S_IFREG
            else {
                result.linksSkipped += 1
                return
            }
            kind = S_IFREG
            readPath = String(target.dropFirst(root.count + 1))
        }
        if kind == S_IFDIR {
            guard recurse else { return }
            if Self.skippedDirectories.contains(name) || ignores.isIgnored(path: path, name: name, isDirectory: true) {
                result.ignored += 1
                return
            }
            let nested = ignores.adding(Self.loadIgnoreFile(root: root, path: path + "/.gitignore", directory: path))
            self.walk(root: root, directory: path, absolute: absolutePath, ignores: nested, into: &result)
        } else if kind == S_IFREG {
            if ignores.isIgnored(path: path, name: name, isDirectory: false) {
                result.ignored += 1
            } else if !self.indexSecrets, SecretFiles.matches(path: path) || SecretFiles.matches(path: readPath) {
                // A link counts by its target's name too: `settings.txt` pointing at `.env` is still `.env`.
                result.secrets += 1
            } else if Int(info.st_size) > self.maxFileBytes {
                result.tooLarge += 1
            } else if Self.binaryExtensions.contains(Language.fileExtension(of: name)) {
                result.binaryByName += 1
            } else {
                let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
                result.files.append(ScannedFile(path: path, root: root, readPath: readPath, size: Int(info.st_size), modified: modified))
            }
        }
    }

    /// Counts an entry whose name is not UTF-8 as skipped (`notUTF8`), unless the ignore rules exclude it anyway (they
    /// see the name with U+FFFD for each invalid byte, so `*.log` still ignores `bad\xFF.log`). Its kind comes from
    /// `lstat` on the name's own bytes; anything but a file, a link or a folder is passed over silently, as `visit` does.
    private func passOver(_ bytes: [UInt8], directory: String, absolute: String, ignores: IgnoreStack, into result: inout ScanResult) {
        var info = stat()
        let status = (Array(absolute.utf8) + [UInt8(ascii: "/")] + bytes + [0]).withUnsafeBufferPointer { path in
            path.withMemoryRebound(to: CChar.self) { lstat($0.baseAddress!, &info) }
        }
        guard status == 0 else {
            result.unreadable += 1
            return
        }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG || kind == S_IFLNK || kind == S_IFDIR else { return }
        let name = String(decoding: bytes, as: UTF8.self)
        let path = directory.isEmpty ? name : directory + "/" + name
        let isDirectory = kind == S_IFDIR
        // No always-skipped folder has such a name; the ignore rules may match one.
        if ignores.isIgnored(path: path, name: name, isDirectory: isDirectory) {
            result.ignored += 1
            return
        }
        result.notUTF8 += 1
        if result.notUTF8Names.count < ScanResult.maxListedNames {
            let escaped = EscapedName.write(Array((directory.isEmpty ? "" : directory + "/").utf8) + bytes)
            result.notUTF8Names.append(isDirectory ? escaped + "/" : escaped)
        }
    }

    /// The ignore file at `path` below `root`; like git, a `.gitignore` that is a symbolic link is not followed.
    package static func loadIgnoreFile(root: String, path: String, directory: String) -> IgnoreFile? {
        guard let bytes = try? FileReader.read(root: root, relativePath: path, limit: 1 << 20) else { return nil }
        return IgnoreFile(directory: directory, text: String(decoding: bytes, as: UTF8.self))
    }

    /// The canonical absolute path, symbolic links resolved; `nil` when it does not exist. A path with a NUL has
    /// none: the C call would resolve the text before the NUL instead.
    package static func realPath(_ path: String) -> String? {
        guard !path.utf8.contains(0), let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// Why a repository could not be scanned.
package enum ScanError: Error, Sendable, CustomStringConvertible {
    case notADirectory(String)

    package var description: String {
        switch self {
        case .notADirectory(let path): "repository directory '\(path)' does not exist or is not a directory"
        }
    }
}

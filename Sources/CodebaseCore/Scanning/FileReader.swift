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

/// Reads whole files with plain system calls: the indexer reads thousands of small files, and this is the cheapest
/// way to get their bytes.
///
/// A file is opened below its repository's root one path component at a time, with `O_NOFOLLOW` at each step, and
/// the descriptor must be a regular file. The scanner's checks (lstat, realpath) and the open are separate system
/// calls, so a file swapped for a symbolic link in between must fail here, at the open, for no interleaving to serve
/// text from outside the repository.
package enum FileReader {
    /// The bytes of the regular file at `relativePath` (`/`-separated, no `.` or `..`) below the directory `root`;
    /// throws when any component is a symbolic link, when it is not a regular file, cannot be opened or is larger
    /// than `limit`.
    package static func read(root: String, relativePath: String, limit: Int) throws(FileReadError) -> [UInt8] {
        let descriptor = try self.open(root: root, relativePath: relativePath)
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileReadError.unreadable(path: relativePath, errno: errno) }
        // A FIFO, socket or device swapped in is refused; O_NONBLOCK kept the open itself from waiting on a FIFO.
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw FileReadError.notRegular(path: relativePath) }
        let expected = Int(info.st_size)
        guard expected <= limit else { throw FileReadError.tooLarge(path: relativePath) }
        return try self.readAll(descriptor, path: relativePath, expected: expected, limit: limit)
    }

    /// True when the first 8 KiB hold a NUL byte: git's own test for binary content.
    package static func looksBinary(_ bytes: [UInt8]) -> Bool {
        bytes.prefix(8192).contains(0)
    }

    /// A read-only descriptor of `relativePath` below `root`, opened without following any symbolic link.
    private static func open(root: String, relativePath: String) throws(FileReadError) -> Int32 {
        let components = relativePath.split(separator: "/", omittingEmptySubsequences: false)
        guard let name = components.last, !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw FileReadError.unreadable(path: relativePath, errno: EINVAL)
        }
        // The root is canonical (resolved once at start-up); everything below it is walked without following links.
        var directory = systemOpen(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw FileReadError.unreadable(path: relativePath, errno: errno) }
        for component in components.dropLast() {
            let next = openat(directory, String(component), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let failure = errno
            close(directory)
            guard next >= 0 else { throw FileReadError.unreadable(path: relativePath, errno: failure) }
            directory = next
        }
        let descriptor = openat(directory, String(name), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        let failure = errno
        close(directory)
        guard descriptor >= 0 else { throw FileReadError.unreadable(path: relativePath, errno: failure) }
        return descriptor
    }

    /// Reads until end of file, never past `limit`: the file may change while it is read.
    private static func readAll(_ descriptor: Int32, path: String, expected: Int, limit: Int) throws(FileReadError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: expected + 1)
        var filled = 0
        while true {
            if filled == bytes.count {
                guard bytes.count <= limit else { throw FileReadError.tooLarge(path: path) }
                bytes.append(contentsOf: repeatElement(0, count: max(4096, bytes.count)))
            }
            let count = bytes.withUnsafeMutableBytes { buffer in
                systemRead(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileReadError.unreadable(path: path, errno: errno)
            }
            if count == 0 { break }
            filled += count
        }
        guard filled <= limit else { throw FileReadError.tooLarge(path: path) }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }
}

#if canImport(Glibc)
private let systemRead = Glibc.read
private func systemOpen(_ path: String, _ flags: Int32) -> Int32 { Glibc.open(path, flags) }
#elseif canImport(Darwin)
private let systemRead = Darwin.read
private func systemOpen(_ path: String, _ flags: Int32) -> Int32 { Darwin.open(path, flags) }
#endif

/// Why a file could not be read.
package enum FileReadError: Error, Sendable {
    case unreadable(path: String, errno: Int32)
    case tooLarge(path: String)
    /// Not a regular file when opened (a link, FIFO, socket or device swapped in after the scan).
    case notRegular(path: String)
}

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
enum FileReader {
    /// The file's bytes; throws when it cannot be opened or is larger than `limit`.
    static func read(_ path: String, limit: Int) throws(FileReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileReadError.unreadable(path: path, errno: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileReadError.unreadable(path: path, errno: errno) }
        let expected = Int(info.st_size)
        guard expected <= limit else { throw FileReadError.tooLarge(path: path) }
        // The file may change while it is read: read until end of file, never past `limit`.
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

    /// True when the first 8 KiB hold a NUL byte: git's own test for binary content.
    static func looksBinary(_ bytes: [UInt8]) -> Bool {
        bytes.prefix(8192).contains(0)
    }
}

#if canImport(Glibc)
private let systemRead = Glibc.read
#elseif canImport(Darwin)
private let systemRead = Darwin.read
#endif

/// Why a file could not be read.
enum FileReadError: Error, Sendable {
    case unreadable(path: String, errno: Int32)
    case tooLarge(path: String)
}

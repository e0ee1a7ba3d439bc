#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One inotify event: the watch it came from, what happened, and the entry's name within the watched directory.
package struct InotifyEvent: Sendable {
    package let watch: Int32
    package let mask: UInt32
    package let name: String

    package func has(_ flag: Int32) -> Bool { self.mask & UInt32(bitPattern: flag) != 0 }
}

/// Why inotify could not be used.
package enum InotifyError: Error, Sendable, CustomStringConvertible {
    /// No inotify here (not Linux), or no instance left (`fs.inotify.max_user_instances`).
    case unavailable(String)
    /// `fs.inotify.max_user_watches` is used up.
    case watchLimit
    /// This directory cannot be watched (gone, unreadable); others can.
    case directory(String, errno: Int32)

    package var description: String {
        switch self {
        case .unavailable(let reason): "inotify is unavailable: \(reason)"
        case .watchLimit: "the inotify watch limit (fs.inotify.max_user_watches) is reached"
        case .directory(let path, let code): "cannot watch '\(path)': \(String(cString: strerror(code)))"
        }
    }
}

/// A thin wrapper over Linux's inotify(7): one descriptor, a watch per directory, events read in bulk. Owned by the
/// one thread that reads it, so it is not `Sendable`.
package final class Inotify {
    /// What a directory's watch reports: entries created, deleted, written or moved, and the directory itself going.
    /// Attribute-only changes (`IN_ATTRIB`: permissions, times) cannot change what is indexed and are not asked for.
    package static let events: UInt32 = {
        #if canImport(Glibc)
        UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)
        #else
        0
        #endif
    }()

    private let descriptor: Int32
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    package init() throws(InotifyError) {
        #if canImport(Glibc)
        self.descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard self.descriptor >= 0 else { throw .unavailable(String(cString: strerror(errno))) }
        #else
        throw .unavailable("inotify exists on Linux only")
        #endif
    }

    deinit {
        close(self.descriptor)
    }

    /// Watches the directory at `path` (never through a symbolic link); answers the watch descriptor, the same one
    /// when the directory is already watched.
    package func watch(directory path: String) throws(InotifyError) -> Int32 {
        #if canImport(Glibc)
        let mask = Self.events | UInt32(IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)
        let watch = inotify_add_watch(self.descriptor, path, mask)
        guard watch >= 0 else {
            if errno == ENOSPC { throw .watchLimit }
            throw .directory(path, errno: errno)
        }
        return watch
        #else
        throw .unavailable("inotify exists on Linux only")
        #endif
    }

    package func remove(watch: Int32) {
        #if canImport(Glibc)
        _ = inotify_rm_watch(self.descriptor, watch)
        #endif
    }

    /// Waits up to `milliseconds` for events; true when some can be read.
    package func wait(milliseconds: Int32) -> Bool {
        var request = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&request, 1, milliseconds) > 0 && request.revents & Int16(POLLIN) != 0
    }

    /// Every event that can be read now, in order.
    package func readEvents() -> [InotifyEvent] {
        var events: [InotifyEvent] = []
        while true {
            let count = self.buffer.withUnsafeMutableBytes { read(self.descriptor, $0.baseAddress!, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return events }
            self.buffer.withUnsafeBytes { bytes in
                // struct inotify_event { int wd; uint32_t mask; uint32_t cookie; uint32_t len; char name[len]; }
                var offset = 0
                while offset + 16 <= count {
                    let watch = bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                    let mask = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                    let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                    let nameBytes = bytes[(offset + 16)..<(offset + 16 + length)].prefix { $0 != 0 }
                    events.append(InotifyEvent(watch: watch, mask: mask, name: String(decoding: nameBytes, as: UTF8.self)))
                    offset += 16 + length
                }
            }
        }
    }
}

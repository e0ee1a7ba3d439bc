import GRDB
import ServiceClient
import Synchronization

/// Whether a service's database takes writes now. A write that fails because the disk is full or the file is
/// read-only marks it so (and the service answers 503 `storage_unavailable`); the next write that succeeds, or the
/// health check's probe write, marks it ok again, so the service recovers by itself when space returns.
public final class StorageCondition: Sendable {
    public typealias State = StorageState

    private let state = Mutex(State.ok)

    public init() {}

    public var current: State { self.state.withLock { $0 } }

    public func record(_ state: State) {
        self.state.withLock { $0 = state }
    }

    /// The state a failed write reveals, when it failed for lack of space or of write access.
    public static func state(after error: any Error) -> State? {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: return .full
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM: return .readOnly
        case .SQLITE_IOERR where error.extendedResultCode == .SQLITE_IOERR_WRITE || error.extendedResultCode == .SQLITE_IOERR_FSYNC:
            return .full
        default: return nil
        }
    }
}

import NIOCore
import NIOPosix

/// Whether a listener can bind an address now. An assistant that starts a server over stdio may start a second copy
/// (two sessions, one configuration); with `--stdio` the second then serves HTTP on a free port instead of failing,
/// since its client speaks to it over stdio anyway.
public enum PortProbe {
    /// True when `host:port` can be bound now (with `SO_REUSEADDR`, as the servers bind it).
    public static func isFree(host: String, port: Int) async -> Bool {
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port)
                .get()
            try await channel.close()
            return true
        } catch {
            return false
        }
    }
}

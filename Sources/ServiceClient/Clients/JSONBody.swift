import Foundation
import NIOCore
import NIOHTTP1

extension PeerRequest {
    /// A request whose body is `value` as contract JSON.
    static func json(
        _ method: HTTPMethod,
        _ path: String,
        _ value: some Encodable,
        headers: HTTPHeaders = [:],
        isReadOnly: Bool = false
    ) throws -> PeerRequest {
        let data = try ContractCoding.makeEncoder().encode(value)
        return PeerRequest(method: method, path: path, headers: headers, body: ByteBuffer(bytes: data), isReadOnly: isReadOnly)
    }
}

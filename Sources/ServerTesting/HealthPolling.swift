import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ServiceClient
import Testing

extension TestClientProtocol {
    /// Polls `GET /health` until it reports `peer` unreachable (the background check runs at start-up), every 10 ms and
    /// at most 200 times, expecting 200 from each; the last answer.
    public func health(untilUnreachable peer: String) async throws -> HealthResponse? {
        var health: HealthResponse?
        for _ in 0..<200 {
            let response = try await self.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
            health = try ContractCoding.makeDecoder().decode(HealthResponse.self, from: Data(response.body.readableBytesView))
            if health?.dependencies[peer]?.status == .unreachable { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        return health
    }
}

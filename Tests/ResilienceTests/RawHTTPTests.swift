import Foundation
import ServiceHarness
import Testing

extension Resilience {
    /// What only a hand-made request shows, on the real binaries: answers with the error body where the framework
    /// would send an empty one, and `Expect: 100-continue` honoured.
    @Suite("Hand-made HTTP")
    struct RawHTTP {
        @Test("an unknown method or a malformed head answers 400 with the error body", arguments: ["workflow", "codebase"])
        func unparsable(service: String) async throws {
            try await SlowClients.withServer(service, []) { server in
                for request in ["BREW /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "GET /health HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n"] {
                    let socket = try RawSocket(port: server.port)
                    #expect(socket.send(request))
                    let answer = socket.readToEnd()
                    #expect(answer.text.hasPrefix("HTTP/1.1 400"), "\(request.debugDescription): \(answer.text)")
                    #expect(answer.text.contains(#""error":"invalid_request""#), "\(request.debugDescription): \(answer.text)")
                }
            }
        }

        @Test("Expect: 100-continue gets 100 Continue before the body is sent", arguments: ["workflow"])
        func expectContinue(service: String) async throws {
            try await SlowClients.withServer(service, []) { server in
                let socket = try RawSocket(port: server.port, readTimeout: .seconds(3))
                let body = #"{"title": "after continue"}"#
                #expect(socket.send("POST /mcp/work_items HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nExpect: 100-continue\r\n\r\n"))
                let interim = socket.readSome()
                #expect(interim.hasPrefix("HTTP/1.1 100 Continue"), "\(interim)")
                #expect(socket.send(body))
                let answer = socket.readSome()
                #expect(answer.contains("201 Created"), "\(answer)")
            }
        }
    }
}

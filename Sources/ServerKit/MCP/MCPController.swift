import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `POST /mcp`: the MCP door over Streamable HTTP. Each request carries one JSON-RPC message and gets its answer as
/// JSON; a tool call that asks for progress (`_meta.progressToken`) from a client that accepts `text/event-stream`
/// gets the progress notifications and then the answer as server-sent events. GET and DELETE answer 405: this
/// endpoint keeps no sessions and sends nothing unasked.
public struct MCPController<Context: RequestContext, Tools: ToolProvider>: Sendable {
    let mcp: MCPProtocol<Tools>

    public init(mcp: MCPProtocol<Tools>) {
        self.mcp = mcp
    }

    public func addRoutes(to router: Router<Context>) {
        router.post("/mcp", use: self.post)
        router.refuseOtherMethods(on: "/mcp", allowing: [.post])
    }

    @Sendable public func post(_ request: Request, context: Context) async throws -> Response {
        // `AccessMiddleware` has checked the host, the origin and the token, as for every route.
        let buffer = try await request.collectBody(context: context)
        try request.requireJSONContentType()
        let message = Data(buffer.readableBytesView)
        let expectsAnswer: Bool
        let method: String?
        switch JSONRPCEnvelope.verdict(for: message) {
        case .refuse(let error): return Self.json(error, status: .badRequest)
        case .answer(let result): return Self.json(result, status: .ok)
        case .ignore: return Response(status: .accepted)
        case .pass(let answers, let name):
            expectsAnswer = answers
            method = name
        }
        guard Self.wantsEvents(request, message: message) else {
            guard let answer = await self.mcp.answer(message, method: method, expectsAnswer: expectsAnswer, notify: { _ in }) else {
                return Response(status: .accepted)
            }
            return Self.json(answer, status: .ok)
        }
        let mcp = self.mcp
        let body = ResponseBody { writer in
            let (events, continuation) = AsyncStream<Data>.makeStream()
            async let answered: Void = {
                if let answer = await mcp.answer(message, method: method, expectsAnswer: expectsAnswer, notify: { continuation.yield($0) }) {
                    continuation.yield(answer)
                }
                continuation.finish()
            }()
            for await event in events { try await writer.write(Self.event(event)) }
            await answered
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    /// Only a request that asks for progress, from a client that reads events, is answered as an event stream.
    /// The message is parsed for it only when the client accepts events.
    private static func wantsEvents(_ request: Request, message data: Data) -> Bool {
        guard request.headers[.accept]?.contains("text/event-stream") == true,
            let message = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return false }
        let meta = (message["params"] as? [String: Any])?["_meta"] as? [String: Any]
        return meta?["progressToken"] != nil && message["id"] != nil
    }

    private static func event(_ data: Data) -> ByteBuffer {
        var buffer = ByteBuffer(string: "event: message\ndata: ")
        buffer.writeBytes(data)
        buffer.writeString("\n\n")
        return buffer
    }

    private static func json(_ data: Data, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

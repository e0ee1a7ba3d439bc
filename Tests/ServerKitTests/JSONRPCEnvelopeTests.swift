import Foundation
import ServerKit
import Testing

@Suite("The JSON-RPC envelope, checked before the SDK")
struct JSONRPCEnvelopeTests {
    private func verdict(_ text: String) -> JSONRPCEnvelope.Verdict {
        JSONRPCEnvelope.verdict(for: Array(text.utf8))
    }

    /// The error object of a refusal, decoded.
    private func refusal(_ text: String) throws -> (id: Any, code: Int, message: String) {
        guard case .refuse(let data) = self.verdict(text) else { throw Failure("\(text) was not refused: \(self.verdict(text))") }
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["jsonrpc"] as? String == "2.0")
        let error = try #require(object["error"] as? [String: Any])
        return (object["id"] ?? "missing", try #require(error["code"] as? Int), try #require(error["message"] as? String))
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @Test("requests, notifications and responses of the right shape pass")
    func passes() {
        #expect(self.verdict(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#) == .pass(expectsAnswer: true, method: "ping"))
        #expect(self.verdict(#"{"jsonrpc":"2.0","id":"a","method":"tools/list","params":{}}"#) == .pass(expectsAnswer: true, method: "tools/list"))
        #expect(self.verdict(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#) == .pass(expectsAnswer: false, method: "notifications/initialized"))
        #expect(self.verdict(#"{"jsonrpc":"2.0","id":3,"result":{}}"#) == .pass(expectsAnswer: false, method: nil))
        #expect(self.verdict(#"{"jsonrpc":"2.0","id":-9223372036854775808,"method":"ping"}"#) == .pass(expectsAnswer: true, method: "ping"))
    }

    @Test("an id of any other type is refused at once with id null", arguments: [
        "true", "false", "1.5", "1e3", "[1]", #"{"a":1}"#, "18446744073709551616", "null",
    ])
    func badIDs(id: String) throws {
        let refusal = try self.refusal(#"{"jsonrpc":"2.0","id":\#(id),"method":"ping"}"#)
        #expect(refusal.code == -32600)
        #expect(refusal.id is NSNull)
    }

    @Test("an envelope that is not a request is refused, echoing the id where it can")
    func badEnvelopes() throws {
        let noMethod = try self.refusal(#"{"jsonrpc":"2.0","id":1}"#)
        #expect(noMethod.code == -32600)
        #expect(noMethod.id as? Int == 1)
        #expect(try self.refusal(#"{"jsonrpc":"1.0","id":"x","method":"ping"}"#).id as? String == "x")
        #expect(try self.refusal(#"{"jsonrpc":"2.0","id":1,"method":7}"#).code == -32600)
        #expect(try self.refusal(#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#).code == -32600)
        #expect(try self.refusal(#"{"jsonrpc":"2.0","id":1,"method":"ping","method":"tools/list"}"#).code == -32600)
        let parse = try self.refusal(#"{"jsonrpc":"2.0","id":1,"#)
        #expect(parse.code == -32700)
        #expect(parse.id is NSNull)
    }

    @Test("params that are not an object, and a tool call without params, are -32602", arguments: [
        #"{"jsonrpc":"2.0","id":4,"method":"tools/call"}"#, #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":[1]}"#,
        #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":"x"}"#, #"{"jsonrpc":"2.0","id":4,"method":"ping","params":3}"#,
    ])
    func badParams(text: String) throws {
        let refusal = try self.refusal(text)
        #expect(refusal.code == -32602)
        #expect(refusal.id as? Int == 4)
    }

    @Test("a tool argument a body may not hold is the tool's invalid_request, naming the argument")
    func toolArguments() throws {
        let text = #"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"create_work_item","arguments":{"title":"a","title":"b"}}}"#
        guard case .answer(let data) = self.verdict(text) else {
            Issue.record("not answered as a tool result: \(self.verdict(text))")
            return
        }
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["id"] as? Int == 9)
        let result = try #require(object["result"] as? [String: Any])
        #expect(result["isError"] as? Bool == true)
        let structured = try #require(result["structuredContent"] as? [String: Any])
        #expect(structured["error"] as? String == "invalid_request")
        #expect((structured["details"] as? [String: Any])?["field"] as? String == "title")
        let content = try #require((result["content"] as? [[String: Any]])?.first)
        #expect((content["text"] as? String)?.hasPrefix("invalid_request: 'title' is given twice") == true)
        let number = #"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"x","arguments":{"metadata":{"n":1e-400}}}}"#
        guard case .answer = self.verdict(number) else {
            Issue.record("an inexact number was not answered as a tool error")
            return
        }
    }

    @Test("a notification that is not valid gets no answer")
    func notifications() {
        #expect(self.verdict(#"{"jsonrpc":"2.0","method":"tools/call","params":[1]}"#) == .ignore)
        #expect(self.verdict(#"{"jsonrpc":"2.0","method":"x","params":{"a":1,"a":2}}"#) == .ignore)
    }
}

@Suite("Lines of standard input")
struct LineSplitterTests {
    @Test("lines split at newlines across reads, a carriage return dropped, blank lines skipped, the last one kept")
    func splits() {
        var splitter = LineSplitter(maxLineBytes: 100)
        #expect(splitter.feed(Array("{\"a\"".utf8)[...]) == [])
        #expect(splitter.feed(Array(":1}\r\n\n  \n{\"b\":2}\n{\"c\"".utf8)[...]) == [.message(Data("{\"a\":1}".utf8)), .message(Data("{\"b\":2}".utf8))])
        #expect(splitter.finish() == .message(Data("{\"c\"".utf8)))
        #expect(splitter.finish() == nil)
    }

    @Test("a line over the cap is skipped to its newline and reported with its length; the next line is whole")
    func capsLines() {
        var splitter = LineSplitter(maxLineBytes: 10)
        #expect(splitter.feed(Array(String(repeating: "x", count: 8).utf8)[...]) == [])
        #expect(splitter.feed(Array(String(repeating: "y", count: 30).utf8)[...]) == [])
        #expect(splitter.feed(Array("zz\n{}\n".utf8)[...]) == [.tooLong(bytes: 40), .message(Data("{}".utf8))])
    }
}

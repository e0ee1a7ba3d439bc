import Foundation
import ServerKit
import Testing

@Suite("Strict reading of JSON text")
struct JSONTextCheckTests {
    private func problem(_ text: String) -> JSONTextCheck.Problem? {
        JSONTextCheck.scan(Array(text.utf8)).problem
    }

    @Test("ordinary documents pass, whatever their shape", arguments: [
        #"{}"#, #"[]"#, #"{"a":[1,2.5,-3,true,false,null,"x"],"b":{"c":"\u00e9\"\\"}}"#, #"  {"title" : "x"}  "#,
        #"{"n":9223372036854775807,"m":-9223372036854775808,"d":0.1,"e":1e300,"f":0.30000000000000004,"g":1.5E-7,"h":100.00}"#,
        #"{"a":{"a":{"a":1}}}"#, #""just a string""#, #"0"#,
    ])
    func passes(text: String) {
        #expect(self.problem(text) == nil)
    }

    @Test("a duplicate key is found with its path, escapes decoded")
    func duplicates() {
        #expect(self.problem(#"{"title":"first","title":"second"}"#) == .duplicateKey(path: [], key: "title"))
        #expect(self.problem(#"{"title":"first","\u0074itle":"second"}"#) == .duplicateKey(path: [], key: "title"))
        #expect(self.problem(#"{"metadata":{"a":[{"k":1,"k":2}]}}"#) == .duplicateKey(path: [.key("metadata"), .key("a"), .index(0)], key: "k"))
        #expect(self.problem(#"{"metadata":{"a":[{"k":1,"k":2}]}}"#)?.field == "metadata")
        #expect(self.problem(#"{"metadata":{"a":[{"k":1,"k":2}]}}"#)?.message() == "'metadata.a[0].k' is given twice; each key may appear once in an object.")
        // The same key in two different objects is no duplicate.
        #expect(self.problem(#"{"a":{"k":1},"b":{"k":1}}"#) == nil)
    }

    @Test("numbers that would be stored as other numbers are refused", arguments: [
        "123456789012345678901234567890", "18446744073709551615", "-0.0", "-0", "1e-400", "1e309", "9223372036854775808",
        "0.1000000000000000055511151231257827", "-9223372036854775809",
    ])
    func inexactNumbers(literal: String) {
        #expect(self.problem(#"{"metadata":{"n":\#(literal)}}"#) == .inexactNumber(path: [.key("metadata"), .key("n")], text: literal))
    }

    @Test("numbers kept exactly pass", arguments: ["12345678901234567", "1.5", "1e2", "-2.5e-3", "0.0", "5e-324", "1.7976931348623157e308", "4.35"])
    func exactNumbers(literal: String) {
        #expect(self.problem(#"{"n":\#(literal)}"#) == nil)
    }

    @Test("nesting is bounded at the limit, past which nothing recurses")
    func depth() {
        let limit = JSONTextCheck.maxDepth
        let atLimit = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(self.problem(atLimit) == nil)
        let over = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        #expect(self.problem(over) == .tooDeep(path: Array(repeating: .index(0), count: limit)))
        // A million levels: refused without exhausting the stack, and the top-level members still read.
        let deep = #"{"id":7,"m":"# + String(repeating: "[", count: 1_000_000) + String(repeating: "]", count: 1_000_000) + "}"
        let summary = JSONTextCheck.scan(Array(deep.utf8))
        #expect(summary.problem == .tooDeep(path: [.key("m")] + Array(repeating: .index(0), count: limit - 1)))
        #expect(summary.members["id"] == .integer)
    }

    @Test("text that is not JSON is malformed, at its offset", arguments: [
        #"{"a":}"#, #"{"a":1,}"#, "[1 2]", #"{"a":"\x"}"#, "01", "1.", "-", #"{"a":1} x"#, "", "{\"a\":\"\u{01}\"}", "tru",
    ])
    func malformed(text: String) {
        guard case .malformed? = self.problem(text) else {
            Issue.record("\(text) passed")
            return
        }
    }

    @Test("the top-level members are told apart for the envelope")
    func members() {
        let summary = JSONTextCheck.scan(Array(#"{"id":1,"a":1.5,"b":"x","c":true,"d":null,"e":{},"f":[],"g":99999999999999999999}"#.utf8))
        #expect(summary.isObject)
        #expect(summary.members["id"] == .integer)
        #expect(summary.members["a"] == .number)
        #expect(summary.members["b"] == .string("x"))
        #expect(summary.members["c"] == .bool)
        #expect(summary.members["d"] == .null)
        #expect(summary.members["e"] == .object)
        #expect(summary.members["f"] == .array)
        #expect(summary.members["g"] == .number)
    }
}

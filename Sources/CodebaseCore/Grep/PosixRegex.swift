#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A compiled POSIX extended regular expression (the C library's `regcomp`/`regexec`, glibc on Linux). Its engine does
/// not backtrack (backreferences, which would make it, are refused before compiling), and it is run on one chunk at a
/// time, so a costly pattern is stopped between chunks by the caller's deadline.
///
/// `@unchecked Sendable`: the compiled program is never changed by this code after `regcomp`, and glibc's `regexec`
/// takes the program's own lock (its matcher caches states in the program), so calls from several threads are safe.
/// That lock also makes them take turns: a scan on several threads gives each its own copy (`recompiled()`).
package final class PosixRegex: @unchecked Sendable {
    private let program: UnsafeMutablePointer<regex_t>
    private let pattern: String
    private let caseSensitive: Bool

    /// Compiles `pattern`; throws the C library's own message when it is not a valid expression.
    package init(_ pattern: String, caseSensitive: Bool) throws(RegexError) {
        self.pattern = pattern
        self.caseSensitive = caseSensitive
        var flags = REG_EXTENDED | REG_NEWLINE
        if !caseSensitive { flags |= REG_ICASE }
        // Stored only once compiled: a throwing initializer that had set every property would run `deinit`.
        let program = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
        let code = regcomp(program, pattern, flags)
        guard code == 0 else {
            var message = [CChar](repeating: 0, count: 256)
            regerror(code, program, &message, message.count)
            program.deallocate()
            throw RegexError(message: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        self.program = program
    }

    /// The same expression compiled again, with a lock and state cache of its own; `self` should that fail.
    package func recompiled() -> PosixRegex {
        (try? PosixRegex(self.pattern, caseSensitive: self.caseSensitive)) ?? self
    }

    deinit {
        regfree(self.program)
        self.program.deallocate()
    }

    /// The first match in `bytes[from..<to]`, as offsets into `bytes`; `atLineStart` says whether `from` begins a line
    /// (for `^`).
    package func firstMatch(in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int, atLineStart: Bool) -> Range<Int>? {
        guard let base = bytes.baseAddress else { return nil }
        var match = regmatch_t()
        match.rm_so = regoff_t(from)
        match.rm_eo = regoff_t(to)
        let flags = REG_STARTEND | (atLineStart ? 0 : REG_NOTBOL)
        let found = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { regexec(self.program, $0, 1, &match, flags) }
        guard found == 0 else { return nil }
        return Int(match.rm_so)..<Int(match.rm_eo)
    }
}

/// Why a pattern is not a valid regular expression.
package struct RegexError: Error, Sendable {
    package let message: String
}

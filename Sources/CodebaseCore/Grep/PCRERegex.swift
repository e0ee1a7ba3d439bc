import CPCRE2

/// A pattern compiled by PCRE2 (Perl-compatible: `\d \w \s \b`, `(?i)`, lazy quantifiers, groups, lookaround), in UTF-8
/// mode, and JIT-compiled where the library can. Compiled once per grep; each worker matches with a `PCREMatcher` of
/// its own. `\d`, `\w`, `\s` and `\b` are ASCII, as in PCRE2's and Perl's default: Unicode classes (`PCRE2_UCP`) cost
/// the JIT two to four times as much on every byte (docs/benchmarks.md); a pattern opts in with `(*UCP)` or `\p{L}`.
///
/// `@unchecked Sendable`: after `pcre2_compile` and `pcre2_jit_compile` the compiled code is only read, and PCRE2
/// documents it as safe to match from several threads at once (each with its own match data and JIT stack).
package final class PCRERegex: @unchecked Sendable {
    /// Backtracking steps a match may take from one start position (PCRE2's match limit, which its JIT honours too,
    /// counted afresh at each start): about 0.3 to 1 ms of JIT time measured. A pattern that needs more on some line
    /// (`(x+x+)+y`-like nesting, or `.*x.*x.*y` on a minified line) is refused as too costly rather than run for seconds.
    /// One call's time is this times the start positions it is given, which `GrepScan.regexWindowBytes` bounds.
    package static let matchLimit: UInt32 = 100_000
    /// Nesting of backtracking the interpreter may reach (the JIT's own bound is its stack).
    package static let depthLimit: UInt32 = 10_000
    /// The largest JIT stack a matcher may grow.
    package static let jitStackBytes = 1 << 20

    fileprivate let code: OpaquePointer
    /// False when the JIT could not compile the pattern: PCRE2's interpreter runs it, under the same limits.
    package let jitCompiled: Bool
    /// The form given many lines at once (`GrepPattern.windowForm`), when it differs.
    package let window: PCRERegex?

    /// Compiles `pattern` (and `window`, its form over many lines, if given and valid); throws PCRE2's own message and
    /// the byte offset it points at when the pattern is refused.
    package init(_ pattern: String, caseSensitive: Bool, window: String? = nil) throws(PCRECompileError) {
        self.window = window.flatMap { try? PCRERegex($0, caseSensitive: caseSensitive) }
        // The corpus is valid UTF-8 (`GrepCorpus.File` checks each file) and every subject starts and ends on a
        // character boundary, so matching skips PCRE2's UTF check (`PCRE2_NO_UTF_CHECK`, which would read each
        // subject once more). Not `PCRE2_MATCH_INVALID_UTF`: with the JIT in PCRE2 10.42, `\W` and `\S` then fail to
        // match a non-ASCII character.
        var options = PCRE2_UTF | PCRE2_MULTILINE | PCRE2_NEVER_BACKSLASH_C
        if !caseSensitive { options |= PCRE2_CASELESS }
        let context = pcre2_compile_context_create_8(nil)
        defer { pcre2_compile_context_free_8(context) }
        pcre2_set_newline_8(context, UInt32(PCRE2_NEWLINE_LF))
        var errorCode: Int32 = 0
        var errorOffset = 0
        let bytes = Array(pattern.utf8)
        let compiled = bytes.withUnsafeBufferPointer { buffer in
            pcre2_compile_8(buffer.baseAddress, buffer.count, options, &errorCode, &errorOffset, context)
        }
        guard let compiled else {
            throw PCRECompileError(message: Self.message(errorCode), offset: errorOffset)
        }
        self.code = compiled
        self.jitCompiled = pcre2_jit_compile_8(compiled, PCRE2_JIT_COMPLETE) == 0
    }

    deinit {
        pcre2_code_free_8(self.code)
    }

    /// PCRE2's text for an error code.
    static func message(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(code, &buffer, buffer.count)
        return length > 0 ? String(decoding: buffer.prefix(Int(length)), as: UTF8.self) : "error \(code)"
    }

    /// Match data, a match context with the limits and a JIT stack, for one worker thread.
    package func makeMatcher() -> PCREMatcher {
        PCREMatcher(self)
    }
}

/// One worker's means to run a `PCRERegex`: match data, a match context holding the match and depth limits, and a JIT
/// stack. Not shared between threads.
package final class PCREMatcher {
    private let regex: PCRERegex
    /// The matcher of `regex.window`.
    package let window: PCREMatcher?
    private let matchData: OpaquePointer
    private let context: OpaquePointer
    private let jitStack: OpaquePointer?

    fileprivate init(_ regex: PCRERegex) {
        self.regex = regex
        self.window = regex.window.map(PCREMatcher.init)
        self.matchData = pcre2_match_data_create_from_pattern_8(regex.code, nil)
        self.context = pcre2_match_context_create_8(nil)
        pcre2_set_match_limit_8(self.context, PCRERegex.matchLimit)
        pcre2_set_depth_limit_8(self.context, PCRERegex.depthLimit)
        self.jitStack = regex.jitCompiled ? pcre2_jit_stack_create_8(32 * 1024, PCRERegex.jitStackBytes, nil) : nil
        if let jitStack = self.jitStack { pcre2_jit_stack_assign_8(self.context, nil, UnsafeMutableRawPointer(jitStack)) }
    }

    deinit {
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
        pcre2_match_context_free_8(self.context)
        pcre2_match_data_free_8(self.matchData)
    }

    /// The first match in `text[from..<to]`, where `text[subjectStart..<to]` is all the matcher may look at
    /// (lookbehind sees back to `subjectStart`, which is a line start: `^` matches there). Offsets are into `text`; all
    /// three must be character boundaries of valid UTF-8.
    /// Throws when the match or depth limit, or the JIT stack, ran out.
    package func firstMatch(in text: UnsafeBufferPointer<UInt8>, subjectStart: Int, from: Int, to: Int) throws(PCRELimitError) -> Range<Int>? {
        guard let base = text.baseAddress else { return nil }
        let found = pcre2_match_8(
            self.regex.code, base + subjectStart, to - subjectStart, from - subjectStart, PCRE2_NO_UTF_CHECK, self.matchData, self.context
        )
        guard found >= 0 else {
            if found == PCRE2_ERROR_NOMATCH { return nil }
            throw PCRELimitError(message: PCRERegex.message(found))
        }
        let vector = pcre2_get_ovector_pointer_8(self.matchData)!
        return (subjectStart + vector[0])..<(subjectStart + max(vector[0], vector[1]))
    }
}

/// Why PCRE2 refused a pattern, and where: the byte offset in the pattern's UTF-8 at which it stopped.
package struct PCRECompileError: Error, Sendable {
    package let message: String
    package let offset: Int
}

/// A match that ran into PCRE2's match or depth limit or out of JIT stack: the pattern is too costly for that text.
package struct PCRELimitError: Error, Sendable {
    package let message: String
}

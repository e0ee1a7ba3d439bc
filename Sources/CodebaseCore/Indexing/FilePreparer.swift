import Crypto

/// One chunk ready to store: its id, its text and its search columns.
package struct PreparedChunk: Sendable {
    package let id: ChunkID
    package let content: String
    /// 1-based, inclusive.
    package let startLine: Int
    package let endLine: Int
    package let symbols: String
    package let subwords: String
}

/// One file ready to store.
package struct PreparedFile: Sendable {
    package let path: String
    package let language: String
    package let fileExtension: String
    package let contentHash: [UInt8]
    package let size: Int
    package let lineCount: Int
    package let pathColumn: String
    package let chunks: [PreparedChunk]
    /// Declarations for `GET /mcp/symbols`, each with the index of its chunk in `chunks`.
    package var symbols: [PreparedSymbol] = []
}

/// What reading one scanned file gave.
package enum FileOutcome: Sendable {
    /// New or changed: store these chunks.
    case changed(PreparedFile)
    /// Same content hash as stored: nothing to do.
    case unchanged(path: String)
    /// Binary or unreadable now: drop it from the index if it was there.
    case skipped(path: String, reason: String)
}

/// Reads, hashes and chunks files. Pure apart from reading the file, so many run in parallel.
package struct FilePreparer: Sendable {
    package let repository: String
    package let chunker: Chunker
    package let maxFileBytes: Int

    /// Reads `file`; `storedHash` is the hash the index holds for it, and `force` re-chunks even when it matches.
    package func prepare(_ file: ScannedFile, storedHash: [UInt8]?, force: Bool) -> FileOutcome {
        let bytes: [UInt8]
        do {
            bytes = try FileReader.read(root: file.root, relativePath: file.readPath, limit: self.maxFileBytes)
        } catch {
            return .skipped(path: file.path, reason: "unreadable or too large")
        }
        if FileReader.looksBinary(bytes) { return .skipped(path: file.path, reason: "binary") }
        let hash = Array(SHA256.hash(data: bytes))
        if !force, let storedHash, storedHash == hash { return .unchanged(path: file.path) }
        return .changed(self.prepare(path: file.path, bytes: bytes, hash: hash))
    }

    /// Chunks the text of one file.
    package func prepare(path: String, bytes: [UInt8], hash: [UInt8]) -> PreparedFile {
        let source = SourceText(fileBytes: bytes)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let firstLine: Substring? =
            source.lineCount > 0 ? Substring(String(decoding: source.bytes[source.byteRange(lines: 0, 0)].prefix(200), as: UTF8.self)) : nil
        let language = Language.detect(fileName: name, firstLine: firstLine)
        let lines = LineAnalyzer.analyze(source, family: language.family, language: language.name)
        let detector = DeclarationDetector(language: language)
        var declarations = [Declaration?](repeating: nil, count: source.lineCount)
        if language.family != .text {
            source.bytes.withUnsafeBufferPointer { buffer in
                for index in 0..<source.lineCount where !lines[index].isBlank && lines[index].start == .code {
                    declarations[index] = detector.detect(
                        buffer,
                        from: lines[index].contentStart,
                        to: source.lineEnds[index],
                        indent: lines[index].indent
                    )
                }
            }
        }
        let spans = self.chunker.spans(source, lines: lines, declarations: declarations, language: language)

        // Each distinct chunk text seen so far, by an FNV-1a hash of it, with how many times it has come: a hit is
        // confirmed byte for byte against one earlier copy only, so a file of one chunk repeated is read in linear
        // time (comparing with every earlier copy made 500 KB of one repeated function take 24 s).
        var earlier: [UInt64: [(text: Range<Int>, count: Int)]] = [:]
        var chunks: [PreparedChunk] = []
        chunks.reserveCapacity(spans.count)
        for span in spans {
            let range = source.byteRange(lines: span.first, span.last)
            let text = source.bytes[range]
            let content = String(decoding: text, as: UTF8.self)
            let hash = fnv1a(text)
            let occurrence: Int
            if let seen = earlier[hash]?.firstIndex(where: { source.bytes[$0.text].elementsEqual(text) }) {
                occurrence = earlier[hash]![seen].count
                earlier[hash]![seen].count += 1
            } else {
                occurrence = 0
                earlier[hash, default: []].append((range, 1))
            }
            let names = (span.first...span.last).compactMap { declarations[$0]?.name }
            chunks.append(
                PreparedChunk(
                    id: ChunkID(repository: self.repository, path: path, occurrence: occurrence, text: text),
                    content: content,
                    startLine: span.first + 1,
                    endLine: span.last + 1,
                    symbols: SearchDocument.symbolsColumn(names),
                    subwords: CodeTokens.splitDocument(text)
                )
            )
        }
        return PreparedFile(
            path: path,
            language: language.name,
            fileExtension: Language.fileExtension(of: name),
            contentHash: hash,
            size: bytes.count,
            lineCount: source.lineCount,
            pathColumn: SearchDocument.pathColumn(path),
            chunks: chunks,
            symbols: language.family == .text || language.family == .markdown
                ? [] : SymbolOutline.symbols(lines: lines, declarations: self.outline(declarations, lines, source, language), spans: spans, source: source)
        )
    }
}

extension FilePreparer {
    /// The declarations of the outline: those that start chunks, and in JavaScript and TypeScript the definitions
    /// written as assignments (`ScriptIdioms`), which do not.
    func outline(_ declarations: [Declaration?], _ lines: [LineInfo], _ source: SourceText, _ language: Language) -> [Declaration?] {
        guard language.name == "javascript" || language.name == "typescript" else { return declarations }
        var outline = declarations
        for index in 0..<source.lineCount where outline[index] == nil && !lines[index].isBlank && lines[index].start == .code {
            outline[index] = ScriptIdioms.declaration(source.bytes[source.lineStarts[index]..<source.lineEnds[index]])
        }
        return outline
    }
}

/// FNV-1a, 64 bits: a cheap hash for telling chunks apart within one file.
package func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    bytes.withUnsafeBufferPointer { buffer in
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in buffer { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}

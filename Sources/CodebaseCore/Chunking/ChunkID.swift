import Crypto

/// A chunk's content-addressed id: `c_` and the hex SHA-256 of its repository, path, occurrence index and text.
///
/// The fields are length-prefixed (`<bytes>:<repository><bytes>:<path><occurrence>:<text>`) so no two different
/// inputs hash the same bytes. The occurrence index tells apart chunks with identical text in one file (the second
/// `}` window, say): 0 for the first, 1 for the next, in file order.
package struct ChunkID: Sendable, Hashable {
    /// The 32 bytes of the digest, as stored.
    package let digest: [UInt8]

    package init(digest: [UInt8]) {
        self.digest = digest
    }

    package init(repository: String, path: String, occurrence: Int, text: ArraySlice<UInt8>) {
        var hasher = SHA256()
        let prefix = "\(repository.utf8.count):\(repository)\(path.utf8.count):\(path)\(occurrence):"
        hasher.update(data: Array(prefix.utf8))
        text.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        self.digest = Array(hasher.finalize())
    }

    package init(repository: String, path: String, occurrence: Int, text: String) {
        self.init(repository: repository, path: path, occurrence: occurrence, text: Array(text.utf8)[...])
    }

    /// Parses `c_` followed by 64 lowercase hex digits; anything else is no chunk id.
    package init?(_ string: String) {
        let utf8 = Array(string.utf8)
        guard utf8.count == 66, utf8[0] == UInt8(ascii: "c"), utf8[1] == UInt8(ascii: "_") else { return nil }
        var digest: [UInt8] = []
        digest.reserveCapacity(32)
        var index = 2
        while index < 66 {
            guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1]) else { return nil }
            digest.append(high << 4 | low)
            index += 2
        }
        self.digest = digest
    }

    /// `c_` and 64 lowercase hex digits.
    package var string: String {
        var bytes: [UInt8] = [UInt8(ascii: "c"), UInt8(ascii: "_")]
        bytes.reserveCapacity(66)
        for byte in self.digest {
            bytes.append(Self.hexDigits[Int(byte >> 4)])
            bytes.append(Self.hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

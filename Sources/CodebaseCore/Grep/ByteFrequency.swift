/// How common each byte is in source code, to pick the byte of a literal that `memchr` should look for: scanning for
/// a needle's rarest byte (`Q` in `QueueEmpty`, `_` or a digit in most identifiers) skips most of the text at memory
/// speed, where scanning for its first byte (often `s`, `e` or `t`) stops every few bytes. The ranks were counted
/// over CPython's standard library (37 MB); only their order matters, and a poor guess costs speed, never a match.
package enum ByteFrequency {
    /// The index in `needle` of its least common byte (the first of equals).
    package static func rarestIndex(of needle: [UInt8]) -> Int {
        var best = 0
        for index in needle.indices.dropFirst() where self.rank[Int(needle[index])] < self.rank[Int(needle[best])] { best = index }
        return best
    }

    /// 0 for the rarest byte, 255 for the most common (the space).
    private static let rank: [UInt8] = [
        0, 29, 1, 2, 3, 4, 5, 23, 6, 168, 246, 7, 22, 191, 54, 55, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 50, 19, 20, 21, 25,
        255, 166, 226, 205, 162, 177, 160, 233, 236, 235, 187, 189, 232, 229, 241, 188, 240, 231, 220, 218, 216, 214, 212, 207,
        209, 221, 222, 171, 180, 223, 206, 164, 170, 203, 185, 199, 193, 224, 192, 182, 183, 213, 161, 173, 200, 190, 211, 197,
        194, 165, 204, 201, 217, 186, 178, 179, 174, 172, 169, 196, 198, 195, 159, 239, 163, 251, 225, 242, 244, 254, 243, 228,
        230, 247, 181, 208, 245, 234, 249, 248, 237, 202, 250, 252, 253, 238, 210, 215, 227, 219, 184, 176, 167, 175, 158, 26,
        157, 153, 152, 147, 125, 84, 64, 74, 120, 106, 103, 118, 134, 102, 71, 77, 86, 95, 62, 98, 151, 88, 100, 101, 110, 148,
        99, 83, 137, 144, 73, 123, 119, 139, 78, 90, 150, 129, 117, 97, 141, 130, 96, 89, 112, 87, 126, 136, 121, 94, 80, 116,
        105, 128, 132, 91, 135, 107, 108, 81, 124, 140, 109, 133, 75, 48, 138, 154, 113, 104, 61, 76, 65, 57, 69, 51, 72, 66,
        93, 82, 145, 127, 60, 68, 63, 52, 70, 53, 42, 58, 46, 24, 56, 36, 47, 44, 67, 59, 155, 156, 122, 149, 142, 143, 146,
        115, 85, 111, 131, 79, 35, 92, 114, 45, 39, 49, 27, 32, 33, 37, 40, 34, 43, 41, 38, 31, 30, 28,
    ]
}

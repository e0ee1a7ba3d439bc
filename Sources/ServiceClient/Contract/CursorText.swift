import Foundation

/// The wire form of both services' opaque page cursors (`next_cursor`): URL-safe base64 without padding, so a cursor
/// goes into a query string as it is.
public enum CursorText {
    public static func encode(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The bytes a cursor holds; `nil` when it is not URL-safe base64.
    public static func decode(_ cursor: String) -> Data? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}

import Foundation

/// The JSON encoder and decoder of the wire contract: ISO-8601 UTC timestamps with a trailing `Z`.
public enum ContractCoding {
    /// An encoder writing timestamps as `2026-11-21T15:21:42.123Z`.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatTimestamp(date))
        }
        return encoder
    }

    /// A decoder accepting timestamps with or without fractional seconds.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseTimestamp(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an ISO-8601 UTC timestamp")
            }
            return date
        }
        return decoder
    }

    /// Decodes a request body with the contract's decoder, its free-form values (`metadata`, `details`) read in linear
    /// time (`JSONValue+Parsing`).
    public static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        try self.decode(type, from: data, document: try? JSONValue(parsing: data))
    }

    /// Decodes `data`, whose parsed form is `document` (when known), with the contract's decoder.
    public static func decode<Value: Decodable>(_ type: Value.Type, from data: Data, document: JSONValue?) throws -> Value {
        let decoder = self.makeDecoder()
        if let document { decoder.userInfo[JSONValue.documentKey] = document }
        return try decoder.decode(type, from: data)
    }

    /// Formats a date as ISO-8601 UTC with milliseconds and a trailing `Z`.
    public static func formatTimestamp(_ date: Date) -> String {
        date.formatted(withFractions)
    }

    /// Parses an ISO-8601 timestamp with or without fractional seconds.
    public static func parseTimestamp(_ text: String) -> Date? {
        (try? withFractions.parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    private static let withFractions = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}

import Logging

/// A log handler that keeps every message, so tests can assert what was logged.
struct CapturingLogHandler: LogHandler {
    let messages: TestBox<[String]>
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        self.messages.mutate { $0.append("\(event.level): \(event.message)") }
    }

    /// A logger writing into `messages`.
    static func logger(_ messages: TestBox<[String]>) -> Logger {
        Logger(label: "test") { _ in CapturingLogHandler(messages: messages) }
    }
}

extension Logger {
    /// A logger that drops everything, to keep test output readable.
    static let quiet = Logger(label: "quiet") { _ in SwiftLogNoOpLogHandler() }
}

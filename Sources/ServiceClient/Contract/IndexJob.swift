import Foundation

/// `POST /mcp/index` body.
public struct IndexRequest: Codable, Sendable, Hashable {
    public var repository: String?
    public var force: Bool?
    public var wait: Bool?

    public init(repository: String? = nil, force: Bool? = nil, wait: Bool? = nil) {
        self.repository = repository
        self.force = force
        self.wait = wait
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case repository, force, wait }

    /// Strict, as every request body: a field the contract does not have is refused.
    public init(from decoder: any Decoder) throws {
        let fields = try RequestFields(decoder, allowed: CodingKeys.self)
        self.repository = try fields.optional(String.self, CodingKeys.repository)
        self.force = try fields.optional(Bool.self, CodingKeys.force)
        self.wait = try fields.optional(Bool.self, CodingKeys.wait)
        try fields.refuseUnknownFields()
    }
}

/// The state of an index job.
public enum IndexJobStatus: String, Codable, Sendable, CaseIterable {
    case pending, running, completed, failed
}

/// An index job as `POST /mcp/index` and `GET /mcp/index/jobs/{job_id}` report it.
public struct IndexJob: Codable, Sendable, Hashable {
    public var jobID: String
    public var status: IndexJobStatus
    public var repository: String?
    public var filesScanned: Int
    public var filesChanged: Int
    /// Files found and not indexed for a reason other than the ignore rules: too large, binary, unreadable, secret, a
    /// link not followed, or a name that is not UTF-8. Absent from an older server's answer: read as 0.
    public var filesSkipped: Int
    public var chunksAdded: Int
    public var chunksRemoved: Int
    public var durationMS: Double
    public var errorMessage: String?

    public init(
        jobID: String,
        status: IndexJobStatus,
        repository: String? = nil,
        filesScanned: Int = 0,
        filesChanged: Int = 0,
        filesSkipped: Int = 0,
        chunksAdded: Int = 0,
        chunksRemoved: Int = 0,
        durationMS: Double = 0,
        errorMessage: String? = nil
    ) {
        self.jobID = jobID
        self.status = status
        self.repository = repository
        self.filesScanned = filesScanned
        self.filesChanged = filesChanged
        self.filesSkipped = filesSkipped
        self.chunksAdded = chunksAdded
        self.chunksRemoved = chunksRemoved
        self.durationMS = durationMS
        self.errorMessage = errorMessage
    }

    enum CodingKeys: String, CodingKey {
        case status, repository
        case jobID = "job_id"
        case filesScanned = "files_scanned"
        case filesChanged = "files_changed"
        case filesSkipped = "files_skipped"
        case chunksAdded = "chunks_added"
        case chunksRemoved = "chunks_removed"
        case durationMS = "duration_ms"
        case errorMessage = "error_message"
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            jobID: try c.decode(String.self, forKey: .jobID),
            status: try c.decode(IndexJobStatus.self, forKey: .status),
            repository: try c.decodeIfPresent(String.self, forKey: .repository),
            filesScanned: try c.decode(Int.self, forKey: .filesScanned),
            filesChanged: try c.decode(Int.self, forKey: .filesChanged),
            filesSkipped: try c.decodeIfPresent(Int.self, forKey: .filesSkipped) ?? 0,
            chunksAdded: try c.decode(Int.self, forKey: .chunksAdded),
            chunksRemoved: try c.decode(Int.self, forKey: .chunksRemoved),
            durationMS: try c.decode(Double.self, forKey: .durationMS),
            errorMessage: try c.decodeIfPresent(String.self, forKey: .errorMessage)
        )
    }
}

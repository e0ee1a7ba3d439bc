import Hummingbird
import ServiceClient

/// `POST /mcp/index` and `GET /mcp/index/jobs/{job_id}`: re-indexing configured repositories in the background.
struct IndexController<Context: RequestContext> {
    let queue: IndexJobQueue
    let repositories: [ConfiguredRepository]

    func addRoutes(to router: Router<Context>) {
        router.post("/mcp/index", use: self.create)
        router.refuseOtherMethods(on: "/mcp/index", allowing: [.post])
        router.get("/mcp/index/jobs/:job_id", use: self.get)
        router.refuseOtherMethods(on: "/mcp/index/jobs/:job_id", allowing: [.get])
    }

    /// Queues (or joins) an index job over one configured repository or all of them. 202 with the job; with
    /// `wait: true`, 200 with the finished job once the index reflects the files as they were on arrival.
    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeBody(as: IndexRequest.self, context: context, emptyBody: IndexRequest())
        let names = try self.resolve(body.repository)
        let job = await self.queue.submit(IndexScope(repositories: names, force: body.force ?? false))
        guard body.wait ?? false else { return try JSONResponse.make(job, status: .accepted) }
        guard let finished = await self.queue.waitForCompletion(job.jobID) else { throw APIError.jobNotFound(job.jobID) }
        if finished.status == .failed {
            throw APIError(
                .internalServerError,
                "index_failed",
                "Index job '\(finished.jobID)' failed: \(finished.errorMessage ?? "unknown error"). Fix the cause and retry.",
                details: ["job_id": .string(finished.jobID)]
            )
        }
        return try JSONResponse.make(finished)
    }

    /// The job's status and counters; 404 `job_not_found` for an unknown (or long finished) job.
    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("job_id")
        guard let job = await self.queue.job(id) else { throw APIError.jobNotFound(id) }
        return try JSONResponse.make(job)
    }

    /// The repository names a request covers: all when none is named; a name or a directory path that matches a
    /// configured repository; anything else is refused.
    private func resolve(_ repository: String?) throws(APIError) -> [String] {
        let configured = self.repositories.map(\.name).sorted()
        guard !configured.isEmpty else {
            throw .invalid(field: "repository", "No repository is configured; start codebase-mcp with --repo DIR to index one.")
        }
        guard let repository else { return configured }
        if let match = self.repositories.first(where: { $0.name == repository }) { return [match.name] }
        let trimmed = repository.count > 1 && repository.hasSuffix("/") ? String(repository.dropLast()) : repository
        let canonical = RepositoryScanner.realPath(trimmed)
        if let match = self.repositories.first(where: { $0.root == trimmed || $0.root == canonical }) { return [match.name] }
        throw .invalid(
            field: "repository",
            "'\(repository)' is not a configured repository. Configured: \(configured.joined(separator: ", ")); others are refused."
        )
    }
}

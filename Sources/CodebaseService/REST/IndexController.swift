import CodebaseCore
import Hummingbird
import ServerKit
import ServiceClient

/// `POST /mcp/index`, `GET /mcp/index` and `GET /mcp/index/jobs/{job_id}`: the REST door to index jobs and the
/// index's state.
struct IndexController<Context: RequestContext> {
    let codebase: Codebase

    func addRoutes(to router: Router<Context>) {
        router.post("/mcp/index", use: self.create)
        router.get("/mcp/index", use: self.list)
        router.refuseOtherMethods(on: "/mcp/index", allowing: [.get, .post])
        router.get("/mcp/index/jobs/{job_id}", use: self.get)
        router.refuseOtherMethods(on: "/mcp/index/jobs/{job_id}", allowing: [.get])
    }

    /// Queues (or joins) an index job: 202 with the job; with `wait: true`, 200 with the finished job.
    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeBody(as: IndexRequest.self, context: context, emptyBody: IndexRequest())
        let job = try await self.codebase.index(body)
        return try JSONResponse.make(job, status: body.wait ?? false ? .ok : .accepted)
    }

    /// Every configured repository's index and how its changes are followed.
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        if let name = request.uri.queryParameters.map({ String($0.key) }).filter({ !$0.isEmpty }).sorted().first {
            throw APIError.invalid(field: name, "GET /mcp/index takes no query parameters; got '\(name)'.")
        }
        return try JSONResponse.make(try await self.codebase.indexStatus())
    }

    /// The job's status and counters; 404 `job_not_found` for an unknown (or long finished) job.
    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.make(try await self.codebase.job(id: try context.parameters.require("job_id")))
    }
}

import Hummingbird
import Logging
import ServiceClient

/// Turns every error into the contract's error body: a service's domain errors as it maps them (`APIErrorConvertible`),
/// the framework's own errors mapped to the contract's codes, anything else logged and answered as a plain
/// `internal_error`. Nothing answers an empty 500.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as any APIErrorConvertible {
            throw error.apiError
        } catch let error as HTTPError {
            throw Self.translate(status: error.status, message: error.body, maxUploadSize: context.maxUploadSize)
        } catch let error as any HTTPResponseError {
            // The framework's own errors, such as a body over the cap (`NIOTooManyBytesError`).
            throw Self.translate(status: error.status, message: nil, maxUploadSize: context.maxUploadSize)
        } catch {
            context.logger.error(
                "unhandled error",
                metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)", "method": "\(request.method)"]
            )
            throw APIError.unexpected
        }
    }

    /// The contract's error for one of the framework's statuses; the wording is the same in both services.
    public static func translate(status: HTTPResponse.Status, message: String?, maxUploadSize: Int) -> APIError {
        switch status {
        case .notFound:
            return APIError(.notFound, ErrorCode.notFound, "No such route. The routes are listed in the API reference (docs/api.md).")
        case .contentTooLarge:
            return APIError.payloadTooLarge(maxUploadSize: maxUploadSize)
        case .methodNotAllowed:
            return APIError(.methodNotAllowed, ErrorCode.methodNotAllowed, message ?? "Method not allowed on this route.")
        case .badRequest:
            return APIError(.badRequest, ErrorCode.invalidRequest, message ?? "The request is malformed.", details: ["field": "body"])
        default:
            if status.code < 500 {
                return APIError(status, ErrorCode.invalidRequest, message ?? status.reasonPhrase, details: ["field": "body"])
            }
            return APIError.unexpected
        }
    }
}

extension Router {
    /// Answers 405 `method_not_allowed` for every method on `path` that no route serves. Without this, the router
    /// answers an unknown method on a known path with 404, which would send a client looking for the wrong mistake.
    public func refuseOtherMethods(on path: RouterPath, allowing allowed: [HTTPRequest.Method]) {
        var all: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .options, .trace, .connect]
        all += ["PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "QUERY"].compactMap { HTTPRequest.Method($0) }
        // HEAD is generated for GET routes.
        if !allowed.contains(.get) { all.append(.head) }
        let allowedList = allowed.map(\.rawValue).joined(separator: ", ")
        // The `Allow` header names HEAD too where GET is served (HEAD is generated for it).
        let allowedHeader = (allowed.contains(.get) ? allowed + [.head] : allowed).map(\.rawValue).joined(separator: ", ")
        for method in all where !allowed.contains(method) {
            self.on(path, method: method) { _, _ -> Response in
                var error = APIError(
                    .methodNotAllowed,
                    ErrorCode.methodNotAllowed,
                    "\(method.rawValue) is not allowed on this route; allowed: \(allowedList).",
                    details: ["allowed": .array(allowed.map { .string($0.rawValue) })]
                )
                error.headers[.allow] = allowedHeader
                throw error
            }
        }
    }
}

import Foundation
import Yams

/// The parts of a compose file the deployment test checks, read with Yams; a missing or mistyped key throws.
struct ComposeFile {
    /// One service: how it is built and the command line, ports, volumes, environment and health check it runs with.
    struct Service {
        /// The Dockerfile, relative to the repository root (the build context).
        let dockerfile: String
        /// The compose `entrypoint`, which replaces the Dockerfile's when set.
        let entrypoint: [String]?
        let command: [String]
        let ports: [String]
        let volumes: [String]
        let environment: [String: String]
        /// The health check's command, joined by spaces.
        let healthcheck: String
        /// The compose profiles that start it; none for the default services.
        let profiles: [String]
    }

    /// A service run from a published image rather than built here (PostgreSQL of the `postgres` profile).
    struct ImageService {
        let image: String
        let environment: [String: String]
        let profiles: [String]
        let healthcheck: String
    }

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    /// The services built from this repository.
    let services: [String: Service]
    let images: [String: ImageService]

    init(contentsOf url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        guard let root = try Yams.load(yaml: text) as? [String: Any], let services = root["services"] as? [String: Any] else {
            throw Invalid(description: "\(url.path) has no services")
        }
        var parsed: [String: Service] = [:]
        var images: [String: ImageService] = [:]
        for (name, value) in services {
            guard let service = value as? [String: Any] else { throw Invalid(description: "service \(name) is not a mapping") }
            if let image = service["image"] as? String {
                images[name] = ImageService(
                    image: image,
                    environment: Self.environment(service),
                    profiles: service["profiles"] as? [String] ?? [],
                    healthcheck: ((service["healthcheck"] as? [String: Any])?["test"] as? [String] ?? []).joined(separator: " ")
                )
            } else {
                parsed[name] = try Self.service(name, service)
            }
        }
        self.services = parsed
        self.images = images
    }

    private static func environment(_ service: [String: Any]) -> [String: String] {
        (service["environment"] as? [String: Any])?.mapValues { "\($0)" } ?? [:]
    }

    private static func service(_ name: String, _ service: [String: Any]) throws -> Service {
        guard let build = service["build"] as? [String: Any], build["context"] as? String == "..",
            let dockerfile = build["dockerfile"] as? String
        else { throw Invalid(description: "service \(name) needs build.context '..' and build.dockerfile") }
        guard let command = service["command"] as? [String] else { throw Invalid(description: "service \(name) needs a command list") }
        guard let healthcheck = (service["healthcheck"] as? [String: Any])?["test"] as? [String] else {
            throw Invalid(description: "service \(name) needs a healthcheck test list")
        }
        return Service(
            dockerfile: dockerfile,
            entrypoint: service["entrypoint"] as? [String],
            command: command,
            ports: service["ports"] as? [String] ?? [],
            volumes: service["volumes"] as? [String] ?? [],
            environment: Self.environment(service),
            healthcheck: healthcheck.joined(separator: " "),
            profiles: service["profiles"] as? [String] ?? []
        )
    }
}

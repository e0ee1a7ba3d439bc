import Foundation

/// A small repository written for one scenario, in a temporary directory it may edit.
struct SampleRepository {
    let url: URL

    static let files: [String: String] = [
        "auth/session.py": """
        import hashlib


        def authenticate_user(username, password, store):
            \"\"\"Check a user's password against the stored hash.\"\"\"
            record = store.find(username)
            if record is None:
                return False
            return record.password_hash == hashlib.sha256(password.encode()).hexdigest()


        def logout_session(session_id, sessions):
            sessions.pop(session_id, None)
        """,
        "billing/invoice.py": """
        class InvoiceCalculator:
            def __init__(self, tax_rate):
                self.tax_rate = tax_rate

            def total_with_tax(self, amounts):
                subtotal = sum(amounts)
                return round(subtotal * (1 + self.tax_rate), 2)
        """,
        "web/router.js": """
        export function registerRoutes(app) {
          app.get('/health', (req, res) => res.json({ ok: true }));
          app.post('/login', loginHandler);
        }

        function loginHandler(req, res) {
          res.json({ token: 'demo' });
        }
        """,
    ]

    init() throws {
        self.url = FileManager.default.temporaryDirectory.appendingPathComponent("repo-\(UUID().uuidString.prefix(8))")
        for (path, text) in Self.files {
            try self.write(path, text)
        }
    }

    func write(_ path: String, _ text: String) throws {
        let file = self.url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }

    func remove() { try? FileManager.default.removeItem(at: self.url) }
}

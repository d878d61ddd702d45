import Foundation
import QSLConfigTesting
import Testing

@Suite("MotoServer helper")
struct MotoServerTests {
    @Test("starts on a free port, answers, and stops")
    func startStop() async throws {
        let moto = try await MotoServer.start()
        #expect(moto.isRunning)
        moto.stop()
        #expect(!moto.isRunning)
    }
}

import Testing
@testable import Shared

@Test func tensorZerosHasShapeAndCount() {
    let t = Tensor(zeros: [2, 3, 4])
    #expect(t.count == 24)
    #expect(t.rank == 3)
}

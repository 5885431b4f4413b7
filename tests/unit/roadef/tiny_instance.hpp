#pragma once
// A hand-written ROADEF instance small enough to value by hand, shared by the tests.
//   resources: r0 (not transient, load weight 10), r1 (transient, load weight 1)
//   machines:  m0 neighbourhood 0 location 0, capacity 10/10, safety 5/8
//              m1 neighbourhood 0 location 1, capacity 10/10, safety 5/8
//              m2 neighbourhood 1 location 2, capacity 10/10, safety 10/10
//   services:  s0 spreadMin 2; s1 spreadMin 1 and depends on s0
//   processes: p0 s0 [4,3] move 5; p1 s0 [3,2] move 5; p2 s1 [3,5] move 1; p3 s1 [2,3] move 1
//   balance:   r0 against r1, target 1, weight 2
//   weights:   process move 1, service move 10, machine move 100
//   initial:   p0→m0, p1→m1, p2→m0, p3→m1
#include <string>

namespace berth::roadef::testing {

inline const std::string kTinyModel = R"(2
0 10
1 1
3
0 0 10 10 5 8 0 1 2
0 1 10 10 5 8 1 0 3
1 2 10 10 10 10 2 3 0
2
2 0
1 1 0
4
0 4 3 5
0 3 2 5
1 3 5 1
1 2 3 1
1
0 1 1 2
1 10 100
)";

inline const std::string kTinyAssignment = "0 1 0 1\n";

}  // namespace berth::roadef::testing

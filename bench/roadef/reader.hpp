#pragma once
// Reads the ROADEF/EURO 2012 challenge's files (model_*.txt, assignment_*.txt) into an
// optimizer::Reassignment, and writes a solution file. Errors name the file, the line
// and the record and field being read:
//   "model_a1_1.txt:7: machine 2 safety_capacity[1]: expected a non-negative integer, got 'x'"
//
//   auto problem = berth::roadef::read_instance("model_a1_1.txt", "assignment_a1_1.txt");
//   if (!problem) { std::cerr << problem.error().message; return 2; }
#include <string>
#include <vector>

#include "common/optimizer/reassignment.hpp"
#include "common/result.hpp"

namespace berth::roadef {

// From text already in memory; `model_name` and `assignment_name` only label errors.
Result<optimizer::Reassignment> parse_instance(const std::string& model_text, const std::string& assignment_text,
                                               const std::string& model_name = "model",
                                               const std::string& assignment_name = "assignment");

Result<optimizer::Reassignment> read_instance(const std::string& model_path, const std::string& assignment_path);

// The solution format: the machine of each process, space separated, on one line.
std::string format_solution(const std::vector<int>& assignment);
Result<bool> write_solution(const std::string& path, const std::vector<int>& assignment);

}  // namespace berth::roadef

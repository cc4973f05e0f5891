// consumer_cpp._ext: exampleprov's C API from C++ through pybind11, linked with
// find_package(ExampleProv) and the imported target ExampleProv::ExampleProv.
#include <pybind11/pybind11.h>

#include <exampleprov.h>

#include <string>

namespace py = pybind11;

namespace {

// A C++ view of the shared counter: every instance sees the same library state.
class Counter {
public:
    long add(long n) { return exampleprov_add(n); }
    long total() const { return exampleprov_total(); }
    void reset() { exampleprov_reset(); }
};

}  // namespace

PYBIND11_MODULE(_ext, m) {
    m.doc() = "A C++ consumer of exampleprov's C API";
    m.def("add", &exampleprov_add, py::arg("n"), "Add to the shared counter; returns the total.");
    m.def("total", &exampleprov_total, "The shared total.");
    m.def("version", [] { return std::string(exampleprov_version()); },
          "Version of the loaded libexampleprov.");
    m.def("stats", [] {
        exampleprov_stats s{};
        exampleprov_get_stats(&s);
        py::dict d;
        d["count"] = s.count;
        d["total"] = s.total;
        return d;
    }, "Call count and total since the last reset.");
    py::class_<Counter>(m, "Counter")
        .def(py::init<>())
        .def("add", &Counter::add)
        .def("reset", &Counter::reset)
        .def_property_readonly("total", &Counter::total);
}

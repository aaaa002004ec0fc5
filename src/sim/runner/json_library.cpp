// Boost.JSON's compiled part, built once into the library (header-only mode).
#include <boost/json/src.hpp>

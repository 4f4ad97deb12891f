#include "bindings.h"

NB_MODULE(_core, m) {
  m.doc() = "zarrnative's C++ core (internal; use the zarrnative package).";
  zarrnative::bindings::init_errors(m);
  zarrnative::bindings::init_ndarray(m);
  zarrnative::bindings::init_dlpack(m);
  zarrnative::bindings::init_features(m);
  zarrnative::bindings::init_codec(m);
  zarrnative::bindings::init_metadata(m);
  zarrnative::bindings::init_store(m);
  zarrnative::bindings::init_vlen(m);
  zarrnative::bindings::init_array(m);  // after the store and metadata types it uses
  zarrnative::bindings::init_gpu(m);    // takes Array
}

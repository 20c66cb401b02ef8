//! Builds the one C shim ferrodis needs: long double arithmetic for
//! INCRBYFLOAT, which Rust has no type for (see src/util/longdouble.c).

fn main() {
    println!("cargo:rerun-if-changed=src/util/longdouble.c");
    cc::Build::new().file("src/util/longdouble.c").opt_level(2).compile("ferrodis_longdouble");
}

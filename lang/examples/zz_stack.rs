fn main() {
    let a: Vec<String> = std::env::args().collect();
    let (i, kb): (usize, usize) = (a[1].parse().unwrap(), a[2].parse().unwrap());
    let cases = [
        "(".repeat(5000),
        format!("x = {}", "{a: ".repeat(5000)),
        "class A { def f() { ".repeat(5000),
        format!("{}m with a (x)", "call ".repeat(5000)),
        format!("x = {}", "[".repeat(5000)),
        format!("{}x", "-".repeat(5000)),
        format!("{}2", "2 ** ".repeat(5000)),
        "if x {".repeat(5000),
        format!("x = {}", "f(".repeat(5000)),
    ];
    let c = cases[i].clone();
    let ok = std::thread::Builder::new().stack_size(kb * 1024).spawn(move || fcall_lang::parse_program(&c).is_err()).unwrap().join().unwrap();
    assert!(ok);
}

fn main() -> std::process::ExitCode {
    sala::cli::main()
}

export function SignInPage() {
  return <main className="standalone">Sign in</main>;
}

export function SetupPage() {
  return <main className="standalone">Setup</main>;
}

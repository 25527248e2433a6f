import { QueryErrorResetBoundary } from '@tanstack/react-query';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ProblemState } from './problem-state.tsx';

interface Props {
  /** The panel's name, as the error message says it ("Endpoints could not be drawn"). */
  name: string;
  children: ReactNode;
}

class Boundary extends Component<Props & { onReset: () => void }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`APO console: panel "${this.props.name}" failed`, error, info.componentStack);
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <ProblemState
        title={`${this.props.name} could not be shown`}
        detail={this.state.error.message}
        onRetry={() => {
          this.props.onReset();
          this.setState({ error: null });
        }}
      />
    );
  }
}

/** One per panel: a panel that throws shows its own error and Retry; the rest of the page keeps working. */
export function PanelBoundary({ name, children }: Props) {
  return (
    <QueryErrorResetBoundary>
      {({ reset }) => (
        <Boundary name={name} onReset={reset}>
          {children}
        </Boundary>
      )}
    </QueryErrorResetBoundary>
  );
}

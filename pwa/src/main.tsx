import { render } from "solid-js/web";

function App() {
  return <h1>XQT5 AI Platform</h1>;
}

render(() => <App />, document.getElementById("root")!);

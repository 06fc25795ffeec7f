import 'uplot/dist/uPlot.min.css';

const app = document.getElementById('app')!;
app.textContent = 'Heapdog';

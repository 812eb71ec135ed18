export { runSimulation, defaultEffects, type SimulationOptions, type SimulationResult, type Effects, type ExposureLoss } from './simulate.ts';
export { seededRandom } from './random.ts';
export { simulateProgram, type ProgramOptions, type ProgramResult } from './program.ts';
